package dev.logberg.launch.deploy;

import static dev.logberg.launch.deploy.DeployScript.ROOT;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.anyOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.in;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The IAM policies in deploy/iam/main.tf, read from the Terraform text: Terraform itself is not
 * part of the build. (Where Terraform is installed, deploy/iam/tests/policy.tftest.hcl checks the
 * JSON the AWS provider renders.) Each statement block is cut out by brace matching and its sid,
 * actions, resources and conditions read.
 */
class IamPolicyTest {
  /**
   * Every action Logberg may be granted: what S3FileIO, Beam's S3 filesystem and Iceberg's
   * GlueCatalog call.
   */
  private static final Set<String> ALLOWED =
      Set.of(
          "sts:AssumeRole",
          "sts:TagSession",
          "sts:AssumeRoleWithWebIdentity",
          "s3:ListBucket",
          "s3:GetObject",
          "s3:PutObject",
          "s3:DeleteObject",
          "s3:AbortMultipartUpload",
          "s3:ListMultipartUploadParts",
          "glue:GetDatabase",
          "glue:GetTable",
          "glue:CreateTable",
          "glue:UpdateTable",
          "kms:Decrypt",
          "kms:GenerateDataKey");

  private static final Pattern BLOCK_START =
      Pattern.compile("(?<![\\w\"])(statement|content|condition|principals)\\s*\\{");
  private static final Pattern STRING = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"");
  private static final Pattern ITEM =
      Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"|([^,\\s\\[\\]]+)");

  private static String terraform;
  private static Map<String, Statement> statements;

  record Statement(
      String sid,
      List<String> actions,
      List<String> resources,
      List<String> principals,
      List<Map<String, String>> conditions) {}

  @BeforeAll
  static void read() throws IOException {
    terraform =
        Files.readString(ROOT.resolve("deploy/iam/main.tf")).replaceAll("(?m)^\\s*#.*$", "");
    statements = new LinkedHashMap<>();
    Matcher start = BLOCK_START.matcher(terraform);
    int from = 0;
    while (start.find(from)) {
      String body = body(terraform, start.end());
      if (!start.group(1).equals("condition") && !start.group(1).equals("principals")) {
        Statement statement = statement(body);
        statements.put(statement.sid(), statement);
      }
      from = start.end();
    }
  }

  @Test
  void everyStatementIsFound() {
    assertEquals(
        List.of(
            "EksPodIdentity",
            "Irsa",
            "ListLogPrefix",
            "ReadLogObjects",
            "ListWarehousePrefix",
            "ReadWriteWarehouseObjects",
            "GlueDatabase",
            "GlueTables",
            "BucketKeys"),
        List.copyOf(statements.keySet()));
  }

  @Test
  void onlyAllowedActionsAndNoWildcards() {
    for (Statement statement : statements.values()) {
      assertThat(statement.sid(), statement.actions(), everyItem(in(ALLOWED)));
      assertThat(statement.sid(), statement.resources(), everyItem(not("*")));
    }
    for (String wildcard :
        List.of("\"*\"", "s3:*", "glue:*", "kms:*", "sts:*", "iam:", "s3:Put*", "s3:Get*")) {
      assertThat(terraform, not(containsString(wildcard)));
    }
  }

  @Test
  void logsAreReadOnlyAndListingIsLimitedToThePrefixes() {
    assertEquals(List.of("s3:GetObject"), statements.get("ReadLogObjects").actions());
    assertEquals(
        List.of("arn:${local.partition}:s3:::${var.log_bucket}/${local.log_prefix}/*"),
        statements.get("ReadLogObjects").resources());
    assertEquals(
        List.of("arn:${local.partition}:s3:::${var.warehouse_bucket}/${local.warehouse_prefix}/*"),
        statements.get("ReadWriteWarehouseObjects").resources());
    for (String sid : List.of("ListLogPrefix", "ListWarehousePrefix")) {
      Statement listing = statements.get(sid);
      assertEquals(List.of("s3:ListBucket"), listing.actions());
      String prefix = sid.equals("ListLogPrefix") ? "local.log_prefix" : "local.warehouse_prefix";
      assertEquals(
          List.of(
              Map.of(
                  "test",
                  "StringLike",
                  "variable",
                  "s3:prefix",
                  "values",
                  prefix + "|${" + prefix + "}/*")),
          listing.conditions());
    }
  }

  @Test
  void glueIsLimitedToTheCatalogTheDatabaseAndItsTables() {
    for (String sid : List.of("GlueDatabase", "GlueTables")) {
      assertThat(
          sid,
          statements.get(sid).resources(),
          everyItem(
              anyOf(
                  endsWith(":catalog"),
                  endsWith(":database/${var.glue_database}"),
                  endsWith(":table/${var.glue_database}/*"))));
    }
    assertEquals(
        List.of("glue:GetTable", "glue:CreateTable", "glue:UpdateTable"),
        statements.get("GlueTables").actions());
  }

  @Test
  void onlyTheLogbergServiceAccountsMayAssumeTheRole() {
    Statement podIdentity = statements.get("EksPodIdentity");
    assertEquals(List.of("sts:AssumeRole", "sts:TagSession"), podIdentity.actions());
    assertEquals(List.of("Service=pods.eks.amazonaws.com"), podIdentity.principals());
    assertEquals(
        List.of(
            "aws:RequestTag/eks-cluster-name",
            "aws:RequestTag/kubernetes-namespace",
            "aws:RequestTag/kubernetes-service-account"),
        podIdentity.conditions().stream().map(c -> c.get("variable")).toList());

    Statement irsa = statements.get("Irsa");
    assertEquals(List.of("sts:AssumeRoleWithWebIdentity"), irsa.actions());
    assertEquals(
        List.of(
            Map.of(
                "test",
                "StringEquals",
                "variable",
                "${local.irsa_issuer}:sub",
                "values",
                "local.irsa_subjects"),
            Map.of(
                "test",
                "StringEquals",
                "variable",
                "${local.irsa_issuer}:aud",
                "values",
                "sts.amazonaws.com")),
        irsa.conditions());
    // The subjects: the service accounts of the namespace, and no others.
    assertThat(
        terraform,
        containsString(
            "[for account in var.service_accounts : \"system:serviceaccount:${var.namespace}:${account}\"]"));
  }

  private static Statement statement(String body) {
    List<String> principals = new ArrayList<>();
    List<Map<String, String>> conditions = new ArrayList<>();
    Matcher nested = BLOCK_START.matcher(body);
    StringBuilder own = new StringBuilder();
    int last = 0;
    while (nested.find(last)) {
      String inner = body(body, nested.end());
      own.append(body, last, nested.start());
      if (nested.group(1).equals("principals")) {
        principals.add(first(inner, "type") + "=" + String.join("|", list(inner, "identifiers")));
      } else if (nested.group(1).equals("condition")) {
        conditions.add(
            Map.of(
                "test",
                first(inner, "test"),
                "variable",
                first(inner, "variable"),
                "values",
                String.join("|", list(inner, "values"))));
      }
      last = nested.end() + inner.length() + 1;
    }
    own.append(body.substring(last));
    String text = own.toString();
    return new Statement(
        first(text, "sid"), list(text, "actions"), list(text, "resources"), principals, conditions);
  }

  /** The text between the brace before {@code from} and its matching brace. */
  private static String body(String text, int from) {
    int depth = 1;
    for (int i = from; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '"') {
        Matcher string = STRING.matcher(text);
        string.find(i);
        i = string.end() - 1;
      } else if (c == '{') {
        depth++;
      } else if (c == '}' && --depth == 0) {
        return text.substring(from, i);
      }
    }
    throw new AssertionError("unbalanced braces after offset " + from);
  }

  private static String first(String block, String attribute) {
    Matcher m = Pattern.compile("(?m)^\\s*" + attribute + "\\s*=\\s*\"([^\"]*)\"").matcher(block);
    if (!m.find()) {
      throw new AssertionError("no " + attribute + " in block: " + block);
    }
    return m.group(1);
  }

  /**
   * The items of a list attribute: a string's content, or an expression's text (local.x). An
   * attribute given as one expression (var.x) is one item.
   */
  private static List<String> list(String block, String attribute) {
    Matcher m =
        Pattern.compile("(?m)^\\s*" + attribute + "\\s*=\\s*(\\[[^\\]]*\\]|.*)$").matcher(block);
    if (!m.find()) {
      return List.of();
    }
    List<String> items = new ArrayList<>();
    Matcher item = ITEM.matcher(m.group(1));
    while (item.find()) {
      items.add(item.group(1) != null ? item.group(1) : item.group(2));
    }
    return items;
  }
}
