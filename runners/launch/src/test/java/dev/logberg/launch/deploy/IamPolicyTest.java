package dev.logberg.launch.deploy;

import static dev.logberg.launch.deploy.DeployScript.ROOT;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.in;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
 * The role's policies. The access policy is deploy/iam/policy.json.tftpl, rendered here as main.tf
 * renders it ({@link IamPolicyTemplate}); AwsRehearsalIT runs Logberg under that very document. The
 * trust policy is read from the Terraform text of main.tf: Terraform itself is not part of the
 * build. (Where Terraform is installed, deploy/iam/tests/policy.tftest.hcl checks both as Terraform
 * renders them.) Each trust statement block is cut out by brace matching and its sid, actions and
 * conditions read.
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
          "glue:GetDatabase",
          "glue:GetTable",
          "glue:GetTables",
          "glue:CreateTable",
          "glue:UpdateTable",
          "glue:DeleteTable",
          "kms:Decrypt",
          "kms:GenerateDataKey");

  private static final Pattern BLOCK_START =
      Pattern.compile("(?<![\\w\"])(statement|content|condition|principals)\\s*\\{");
  private static final Pattern STRING = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"");
  private static final Pattern ITEM =
      Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"|([^,\\s\\[\\]]+)");

  private static final ObjectMapper JSON = new ObjectMapper();
  private static String terraform;
  private static Map<String, Statement> statements;

  /** The access policy of an example deployment, SSE-KMS buckets included. */
  private static final ObjectNode ACCESS =
      IamPolicyTemplate.render(
          IamPolicyTemplate.values(
              "eu-west-1",
              "111122223333",
              "logs-bucket",
              "prod/spark-application-logs",
              "lake-bucket",
              "warehouse",
              "logs",
              List.of("arn:aws:kms:eu-west-1:111122223333:key/k1")));

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
    assertEquals(List.of("EksPodIdentity", "Irsa"), List.copyOf(statements.keySet()));
    assertEquals(
        List.of(
            "ListLogPrefix",
            "ReadLogObjects",
            "ListWarehousePrefix",
            "ReadWriteWarehouseObjects",
            "GlueDatabase",
            "GlueTables",
            "BucketKeys"),
        List.copyOf(IamPolicyTemplate.actionsBySid(ACCESS).keySet()));
  }

  @Test
  void mainTfPassesEveryVariableTheTemplateNeeds() {
    Matcher call =
        Pattern.compile(
                "templatefile\\(\"\\$\\{path.module\\}/policy.json.tftpl\", \\{(.*?)\\}\\)",
                Pattern.DOTALL)
            .matcher(terraform);
    assertThat(terraform, call.find(), org.hamcrest.Matchers.is(true));
    Set<String> passed = new java.util.TreeSet<>();
    Matcher key = Pattern.compile("(?m)^\\s*(\\w+)\\s*=").matcher(call.group(1));
    while (key.find()) {
      passed.add(key.group(1));
    }
    assertEquals(IamPolicyTemplate.variables(), passed);
    assertThat(terraform, containsString("policy = local.access_policy"));
  }

  @Test
  void withoutKmsKeysThereIsNoKmsStatement() {
    ObjectNode sseS3 =
        IamPolicyTemplate.render(
            IamPolicyTemplate.values(
                "eu-west-1", "111122223333", "l", "p", "w", "wh", "logs", List.of()));
    assertThat(IamPolicyTemplate.actionsBySid(sseS3).keySet(), not(hasItem("BucketKeys")));
    assertEquals(
        Map.of("StringEquals", Map.of("kms:ViaService", List.of("s3.eu-west-1.amazonaws.com"))),
        JSON.convertValue(accessStatement("BucketKeys").get("Condition"), Map.class));
    assertEquals(
        List.of("arn:aws:kms:eu-west-1:111122223333:key/k1"),
        IamPolicyTemplate.strings(accessStatement("BucketKeys"), "Resource"));
  }

  @Test
  void onlyAllowedActionsAndNoWildcards() {
    for (JsonNode statement : ACCESS.get("Statement")) {
      String sid = statement.get("Sid").asText();
      assertEquals("Allow", statement.get("Effect").asText(), sid);
      assertThat(sid, IamPolicyTemplate.strings(statement, "Action"), everyItem(in(ALLOWED)));
      assertThat(sid, IamPolicyTemplate.strings(statement, "Resource"), everyItem(not("*")));
    }
    for (Statement statement : statements.values()) {
      assertThat(statement.sid(), statement.actions(), everyItem(in(ALLOWED)));
    }
    String template = IamPolicyTemplate.text();
    for (String wildcard :
        List.of("\"*\"", "s3:*", "glue:*", "kms:*", "sts:*", "iam:", "s3:Put*", "s3:Get*")) {
      assertThat(terraform, not(containsString(wildcard)));
      assertThat(template, not(containsString(wildcard)));
    }
  }

  @Test
  void logsAreReadOnlyAndListingIsLimitedToThePrefixes() {
    assertEquals(
        Set.of("s3:GetObject"), IamPolicyTemplate.actionsBySid(ACCESS).get("ReadLogObjects"));
    assertEquals(
        List.of("arn:aws:s3:::logs-bucket/prod/spark-application-logs/*"),
        IamPolicyTemplate.strings(accessStatement("ReadLogObjects"), "Resource"));
    assertEquals(
        List.of("arn:aws:s3:::lake-bucket/warehouse/*"),
        IamPolicyTemplate.strings(accessStatement("ReadWriteWarehouseObjects"), "Resource"));
    Map<String, String> prefixes =
        Map.of("ListLogPrefix", "prod/spark-application-logs", "ListWarehousePrefix", "warehouse");
    Map<String, String> buckets =
        Map.of("ListLogPrefix", "logs-bucket", "ListWarehousePrefix", "lake-bucket");
    for (String sid : prefixes.keySet()) {
      assertEquals(Set.of("s3:ListBucket"), IamPolicyTemplate.actionsBySid(ACCESS).get(sid));
      assertEquals(
          List.of("arn:aws:s3:::" + buckets.get(sid)),
          IamPolicyTemplate.strings(accessStatement(sid), "Resource"));
      String prefix = prefixes.get(sid);
      assertEquals(
          Map.of("StringLike", Map.of("s3:prefix", List.of(prefix, prefix + "/*"))),
          JSON.convertValue(accessStatement(sid).get("Condition"), Map.class));
    }
  }

  @Test
  void glueIsLimitedToTheCatalogTheDatabaseAndItsTables() {
    String glue = "arn:aws:glue:eu-west-1:111122223333:";
    assertEquals(
        List.of(glue + "catalog", glue + "database/logs"),
        IamPolicyTemplate.strings(accessStatement("GlueDatabase"), "Resource"));
    assertEquals(
        List.of(glue + "catalog", glue + "database/logs", glue + "table/logs/*"),
        IamPolicyTemplate.strings(accessStatement("GlueTables"), "Resource"));
    // What Iceberg's GlueCatalog calls for Logberg: the staging tables of atomic publication are
    // listed (GetTables) and dropped (DeleteTable). Not CreateDatabase: Terraform makes it.
    assertEquals(
        Set.of(
            "glue:GetTable",
            "glue:GetTables",
            "glue:CreateTable",
            "glue:UpdateTable",
            "glue:DeleteTable"),
        IamPolicyTemplate.actionsBySid(ACCESS).get("GlueTables"));
  }

  /** deploy/README.md's permissions table: one row per statement, with its actions. */
  @Test
  void deployReadmeTableListsEveryStatementWithItsActions() throws IOException {
    String readme = Files.readString(ROOT.resolve("deploy/README.md"));
    String table =
        readme.substring(
            readme.indexOf("<!-- permissions:"), readme.indexOf("<!-- end of permissions -->"));
    Map<String, Set<String>> documented = new LinkedHashMap<>();
    Matcher row = Pattern.compile("(?m)^\\| `(\\w+)` \\| ([^|]+) \\|").matcher(table);
    while (row.find()) {
      Set<String> actions = new java.util.LinkedHashSet<>();
      Matcher action = Pattern.compile("`([a-z0-9]+:\\w+)`").matcher(row.group(2));
      while (action.find()) {
        actions.add(action.group(1));
      }
      documented.put(row.group(1), actions);
    }
    assertEquals(IamPolicyTemplate.actionsBySid(ACCESS), documented);
  }

  /** README's "S3 and catalogs" names every action of the policy, and no other. */
  @Test
  void readmeNamesEveryPermissionOfThePolicy() throws IOException {
    String readme = Files.readString(ROOT.resolve("README.md"));
    int start = readme.indexOf("## S3 and catalogs");
    String section = readme.substring(start, readme.indexOf("\n## ", start + 1));
    Set<String> named = new java.util.TreeSet<>();
    Matcher action = Pattern.compile("`((?:s3|glue|kms|sts):\\w+)`").matcher(section);
    while (action.find()) {
      named.add(action.group(1));
    }
    Set<String> granted = new java.util.TreeSet<>();
    IamPolicyTemplate.actionsBySid(ACCESS).values().forEach(granted::addAll);
    assertEquals(granted, named);
  }

  private static JsonNode accessStatement(String sid) {
    for (JsonNode statement : ACCESS.get("Statement")) {
      if (statement.get("Sid").asText().equals(sid)) {
        return statement;
      }
    }
    throw new AssertionError("no statement " + sid + " in " + ACCESS);
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
