package dev.logberg.launch.deploy;

import static dev.logberg.launch.deploy.DeployScript.ROOT;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * deploy/iam/policy.json.tftpl, the role's access policy, rendered as Terraform's {@code
 * templatefile} renders it: the template uses only {@code ${name}} and {@code %{ if name }...%{
 * endif }} on a boolean, so replacing those is the whole of Terraform's work. Anything else in it
 * fails here, so the template stays that simple.
 */
final class IamPolicyTemplate {
  static final Path FILE = ROOT.resolve("deploy/iam/policy.json.tftpl");

  private static final Pattern IF =
      Pattern.compile("%\\{ if (\\w+) \\}(.*?)%\\{ endif \\}", Pattern.DOTALL);
  private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{(\\w+)\\}");
  private static final ObjectMapper JSON = new ObjectMapper();

  private IamPolicyTemplate() {}

  /** The template's text. */
  static String text() {
    try {
      return Files.readString(FILE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The names the template needs: what main.tf must pass to templatefile. */
  static Set<String> variables() {
    Set<String> names = new TreeSet<>();
    for (Pattern pattern : List.of(IF, PLACEHOLDER)) {
      Matcher m = pattern.matcher(text());
      while (m.find()) {
        names.add(m.group(1));
      }
    }
    return names;
  }

  /**
   * The policy for {@code values}: strings for placeholders, "true"/"false" for the conditions.
   *
   * @throws AssertionError if a value is missing or the template uses more than the above
   */
  static ObjectNode render(Map<String, String> values) {
    String text = text();
    if (IF.matcher(text).replaceAll("").contains("%{")) {
      throw new AssertionError(FILE + " uses a directive other than %{ if name }...%{ endif }");
    }
    text =
        IF.matcher(text)
            .replaceAll(m -> Matcher.quoteReplacement(bool(values, m.group(1)) ? m.group(2) : ""));
    text =
        PLACEHOLDER
            .matcher(text)
            .replaceAll(m -> Matcher.quoteReplacement(value(values, m.group(1))));
    if (text.contains("${")) {
      throw new AssertionError(FILE + " has an expression that is not a plain ${name}");
    }
    try {
      return (ObjectNode) JSON.readTree(text);
    } catch (IOException e) {
      throw new AssertionError(FILE + " does not render to JSON for " + values, e);
    }
  }

  /**
   * The values main.tf passes, for an example deployment: {@code kmsKeyArns} empty means SSE-S3
   * buckets.
   */
  static Map<String, String> values(
      String region,
      String account,
      String logBucket,
      String logPrefix,
      String warehouseBucket,
      String warehousePrefix,
      String database,
      List<String> kmsKeyArns) {
    Map<String, String> values = new LinkedHashMap<>();
    values.put("partition", "aws");
    values.put("region", region);
    values.put("log_bucket", logBucket);
    values.put("log_prefix", logPrefix);
    values.put("warehouse_bucket", warehouseBucket);
    values.put("warehouse_prefix", warehousePrefix);
    values.put("glue_catalog_id", account);
    values.put("glue_database", database);
    values.put("bucket_keys", Boolean.toString(!kmsKeyArns.isEmpty()));
    values.put("kms_key_arns_json", JSON.valueToTree(kmsKeyArns).toString());
    return values;
  }

  /** Statement sid to its actions, in the policy's order. */
  static Map<String, Set<String>> actionsBySid(JsonNode policy) {
    Map<String, Set<String>> actions = new LinkedHashMap<>();
    for (JsonNode statement : policy.get("Statement")) {
      actions.put(statement.get("Sid").asText(), new LinkedHashSet<>(strings(statement, "Action")));
    }
    return actions;
  }

  /** A statement's string or list attribute as a list. */
  static List<String> strings(JsonNode statement, String attribute) {
    List<String> items = new ArrayList<>();
    JsonNode node = statement.get(attribute);
    if (node == null) {
      return items;
    }
    if (node.isArray()) {
      node.forEach(item -> items.add(item.asText()));
    } else {
      items.add(node.asText());
    }
    return items;
  }

  /** {@code policy} without {@code action}: statements left with no action are dropped. */
  static ObjectNode without(ObjectNode policy, String action) {
    return without(policy, null, action);
  }

  /**
   * {@code policy} without {@code action} in statement {@code sid} (in every statement if null):
   * statements left with no action are dropped.
   */
  static ObjectNode without(ObjectNode policy, String sid, String action) {
    ObjectNode copy = policy.deepCopy();
    ArrayNode statements = JSON.createArrayNode();
    for (JsonNode statement : copy.get("Statement")) {
      boolean named = sid == null || sid.equals(statement.get("Sid").asText());
      ArrayNode actions = JSON.createArrayNode();
      strings(statement, "Action").stream()
          .filter(a -> !(named && a.equals(action)))
          .forEach(actions::add);
      if (!actions.isEmpty()) {
        ((ObjectNode) statement).set("Action", actions);
        statements.add(statement);
      }
    }
    copy.set("Statement", statements);
    return copy;
  }

  private static String value(Map<String, String> values, String name) {
    String value = values.get(name);
    if (value == null) {
      throw new AssertionError(FILE + " needs a value for " + name);
    }
    return value;
  }

  private static boolean bool(Map<String, String> values, String name) {
    String value = value(values, name);
    if (!value.equals("true") && !value.equals("false")) {
      throw new AssertionError(name + " must be true or false, not " + value);
    }
    return Boolean.parseBoolean(value);
  }
}
