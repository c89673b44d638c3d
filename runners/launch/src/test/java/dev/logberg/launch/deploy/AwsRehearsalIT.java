package dev.logberg.launch.deploy;

import static dev.logberg.launch.deploy.DeployScript.ROOT;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.logberg.pipeline.LogbergOptions;
import dev.logberg.pipeline.storage.AwsErrors;
import dev.logberg.pipeline.tables.CatalogSpecs;
import dev.logberg.pipeline.tables.LogbergTables;
import dev.logberg.upsert.CatalogSpec;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.glue.GlueClient;
import software.amazon.awssdk.services.glue.model.GlueException;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.Credentials;
import software.amazon.awssdk.services.sts.model.StsException;

/**
 * A rehearsal of a first deployment on AWS, on loopback: Logberg's real Direct and Flink jars, in
 * JVMs of their own with no AWS key in their environment, run under the role of deploy/iam with
 * exactly the access policy Terraform renders from deploy/iam/policy.json.tftpl.
 *
 * <ul>
 *   <li>IAM, STS, Glue and S3 are the AWS emulator moto ({@link AwsEmulator}) with IAM enforced:
 *       the role carries the rendered policy and deploy/iam's two trust statements; STS issues the
 *       role's sessions; Glue and S3 check each call against the role's policy and the session
 *       token.
 *   <li>Credentials arrive both ways deploy/iam trusts. Flink's runs (and the negative controls)
 *       get them the Pod Identity way: STS AssumeRole issues the session (as EKS Pod Identity's
 *       auth service does) and a loopback container-credentials endpoint (the agent) hands it only
 *       to callers presenting the token of {@code AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE}. Direct's
 *       runs get them the IRSA way: {@code AWS_ROLE_ARN} and a projected service-account token in
 *       {@code AWS_WEB_IDENTITY_TOKEN_FILE}, which the SDK exchanges with STS
 *       AssumeRoleWithWebIdentity ({@code AWS_ENDPOINT_URL_STS}: {@link WebIdentitySts}, which
 *       checks the token against the trust policy, then moto issues the session); their S3 and Glue
 *       calls pass gates ({@link SessionTokenGate}) that admit only the sessions
 *       AssumeRoleWithWebIdentity issued, and so show those sessions' tokens reached both.
 * </ul>
 *
 * <p>Where moto differs from AWS, the role here holds a widened copy of the policy ({@link
 * #grant}): moto authorises every Glue call against resource "*", never a Glue ARN; it authorises a
 * multi-object delete (DeleteObjects) against the bucket's ARN, not each key's; and it ignores the
 * {@code s3:prefix} conditions of the ListBucket statements. IamPolicyTest checks the ARNs and
 * conditions as written. The negative controls take one action at a time out of the rendered policy
 * and show the run then fails, naming the permission.
 */
class AwsRehearsalIT {
  private static final String ACCOUNT = "123456789012";
  private static final String REGION = "us-east-1";
  private static final String LOGS = "logs";
  private static final String LAKE = "lake";
  private static final String LOG_PREFIX = "spark-application-logs";
  private static final String DATABASE = "logs";
  private static final String ROLE_ARN = "arn:aws:iam::" + ACCOUNT + ":role/logberg";

  /** The cluster's OIDC issuer and the service account IRSA's trust statement names. */
  private static final String OIDC_ISSUER =
      "https://oidc.eks." + REGION + ".amazonaws.com/id/REHEARSAL0123456789ABCDEF";

  private static final String SERVICE_ACCOUNT = "system:serviceaccount:logberg:logberg-flink";
  private static final Path TREE = ROOT.resolve("testdata/spark-application-logs/spark-team-a");
  private static final String TINY_APP = "spark-d6010a549cb91a045e48650e1fe0d484";
  private static final Pattern UPSERT =
      Pattern.compile("upsert: ([\\d,]+) superseded rows deleted");
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Three valid lines added to an application folder that was landed already. */
  private static final String GROWTH =
      Stream.of("one", "two", "three")
          .map(
              word ->
                  "{\"@timestamp\":\"2025-01-15T12:13:22.311Z\",\"namespace\":\"spark-jobs\","
                      + "\"pod_name\":\"sessionize-clicks-c4372c-exec-1\",\"container_name\":"
                      + "\"spark-kubernetes-executor\",\"app\":\"sessionize-clicks\",\"role\":"
                      + "\"executor\",\"level\":\"INFO\",\"message\":\"grown "
                      + word
                      + "\"}\n")
          .reduce("", String::concat);

  @TempDir static Path dir;

  private static AwsEmulator aws;
  private static ObjectNode policy;
  private static AwsSessionCredentials session;
  private static SessionTokenGate gate;
  private static HttpServer agent;
  private static String agentToken;
  private static Path tokenFile;
  private static final AtomicInteger refusedCalls = new AtomicInteger();
  private static final AtomicInteger agentCalls = new AtomicInteger();
  private static WebIdentitySts webIdentity;
  private static Path webIdentityTokenFile;
  private static SessionTokenGate webIdentityS3;
  private static SessionTokenGate webIdentityGlue;
  private static JsonNode totals;

  private enum Jar {
    DIRECT("direct"),
    FLINK("flink", "--flinkMaster=[local]", "--parallelism=2");

    private final Path path;
    private final List<String> localOptions;

    Jar(String module, String... localOptions) {
      this.path = ROOT.resolve("runners/" + module + "/target/logberg-" + module + ".jar");
      this.localOptions = List.of(localOptions);
    }
  }

  private record Run(int exitCode, String output, String log) {}

  /**
   * How a forked jar gets the role's credentials: the two ways deploy/iam's trust policy allows.
   */
  private enum CredentialPath {
    POD_IDENTITY,
    IRSA
  }

  @BeforeAll
  static void deploy() throws Exception {
    totals =
        JSON.readTree(ROOT.resolve("testdata/expected/spark-team-a.manifest.json").toFile())
            .get("totals");
    aws = AwsEmulator.start(dir.resolve("moto.log"));
    policy =
        IamPolicyTemplate.render(
            IamPolicyTemplate.values(
                REGION, ACCOUNT, LOGS, LOG_PREFIX, LAKE, "warehouse", DATABASE, List.of()));
    AwsCredentials admin = AwsBasicCredentials.create("AKIAADMINISTRATOR000", "administrator");
    AwsCredentials eksAuth;
    AwsCredentials oidcFederation;
    String trust = trustPolicy();
    try (IamClient iam = aws(IamClient.builder(), admin).build();
        GlueClient glue = aws(GlueClient.builder(), admin).build()) {
      // The role deploy/iam makes: Pod Identity's statement (assumable here by a user playing EKS's
      // auth service) and IRSA's (a web identity of the cluster's OIDC provider).
      iam.createRole(r -> r.roleName("logberg").assumeRolePolicyDocument(trust));
      eksAuth = user(iam, "eks-auth", "sts:AssumeRole", ROLE_ARN);
      // STS's side of AssumeRoleWithWebIdentity, which moto takes only signed (WebIdentitySts).
      // moto authorises that action against resource "*", never the role's ARN.
      oidcFederation = user(iam, "sts-oidc-federation", "sts:AssumeRoleWithWebIdentity", "*");
      grant(iam, policy);
      // deploy/iam's aws_glue_catalog_database.
      glue.createDatabase(
          d ->
              d.databaseInput(
                  i ->
                      i.name(DATABASE)
                          .locationUri("s3://" + LAKE + "/warehouse/" + DATABASE + ".db")));
    }
    // The buckets and the logs Fluent Bit would have written, as an administrator.
    try (S3Client client = s3(admin)) {
      client.createBucket(b -> b.bucket(LOGS));
      client.createBucket(b -> b.bucket(LAKE));
      upload(client, TREE, "direct");
      upload(client, TREE, "flink");
      upload(client, TREE.resolve(TINY_APP), "tiny/" + TINY_APP);
    }
    aws.enforce();
    Credentials issued;
    try (StsClient sts = aws(StsClient.builder(), eksAuth).build()) {
      issued =
          sts.assumeRole(r -> r.roleArn(ROLE_ARN).roleSessionName("logberg-pod")).credentials();
    }
    session =
        AwsSessionCredentials.create(
            issued.accessKeyId(), issued.secretAccessKey(), issued.sessionToken());
    gate = new SessionTokenGate(aws.endpoint().getPort(), session.sessionToken());
    startAgent();
    webIdentity = new WebIdentitySts(aws.endpoint(), oidcFederation, REGION, ACCOUNT, trust);
    webIdentityTokenFile = dir.resolve("eks.amazonaws.com-serviceaccount-token");
    Files.writeString(
        webIdentityTokenFile, webIdentity.mint(OIDC_ISSUER, SERVICE_ACCOUNT, "sts.amazonaws.com"));
    // The gates in front of S3 and Glue for the IRSA runs admit those sessions' tokens only.
    webIdentityS3 = new SessionTokenGate(aws.endpoint().getPort(), webIdentity.issuedTokens());
    webIdentityGlue = new SessionTokenGate(aws.endpoint().getPort(), webIdentity.issuedTokens());
    // The test reads the tables back as the role, through the SDK's default chain.
    System.setProperty("aws.accessKeyId", session.accessKeyId());
    System.setProperty("aws.secretAccessKey", session.secretAccessKey());
    System.setProperty("aws.sessionToken", session.sessionToken());
  }

  @AfterAll
  static void stop() throws Exception {
    if (agent != null) {
      agent.stop(0);
    }
    if (webIdentity != null) {
      webIdentity.close();
    }
    if (webIdentityS3 != null) {
      webIdentityS3.close();
    }
    if (webIdentityGlue != null) {
      webIdentityGlue.close();
    }
    if (gate != null) {
      gate.close();
    }
    if (aws != null) {
      aws.close();
    }
  }

  /**
   * With IRSA's credentials: every run exchanges the service-account token for a session of its
   * own, and only those sessions' tokens reach S3 and Glue (their gates admit no other).
   */
  @Test
  void directOnFormatV2WithIrsaLandsRerunsGrowsAndKeepsUp() throws Exception {
    int issuedBefore = webIdentity.issued();
    int stsRefusedBefore = webIdentity.refused();
    int agentCallsBefore = agentCalls.get();
    rehearse(Jar.DIRECT, CredentialPath.IRSA, "direct", "spark_logs_v2", 2);
    assertThat(
        "a session from AssumeRoleWithWebIdentity for each of the six runs",
        webIdentity.issued() - issuedBefore,
        greaterThanOrEqualTo(6));
    assertThat("no token refused", webIdentity.refused(), is(stsRefusedBefore));
    assertThat("the session tokens issued reached S3", webIdentityS3.passed(), greaterThan(0));
    assertThat("no other token reached S3", webIdentityS3.refused(), is(0));
    assertThat("the session tokens issued reached Glue", webIdentityGlue.passed(), greaterThan(0));
    assertThat("no other token reached Glue", webIdentityGlue.refused(), is(0));
    assertThat("nothing asked the Pod Identity agent", agentCalls.get(), is(agentCallsBefore));
  }

  @Test
  void flinkOnFormatV3WithPodIdentityLandsRerunsGrowsAndKeepsUp() throws Exception {
    rehearse(Jar.FLINK, CredentialPath.POD_IDENTITY, "flink", "spark_logs_v3", 3);
  }

  /**
   * Land the tree, run again (nothing changes), add a file to a landed application folder and run
   * again (the new file is landed), land every row once more (the upsert deletes the older rows),
   * then upkeep and verify.
   */
  private static void rehearse(
      Jar jar, CredentialPath credentials, String tree, String table, int formatVersion)
      throws Exception {
    List<String> options = options(table, formatVersion, credentials);
    List<String> input = List.of("--input=s3://" + LOGS + "/" + LOG_PREFIX + "/" + tree);
    LogbergTables tables = new LogbergTables(DATABASE, table);
    // Another test sends one request without the token on purpose.
    int refusedBefore = gate.refused();

    Run first = run(jar, credentials, "first", "run", concat(options, input));
    assertThat(first.output(), first.exitCode(), is(0));
    assertThat(first.output(), containsString("applications: 5 succeeded, 0 failed"));
    assertThat(formatVersion(tables.dataTable()), is(formatVersion));
    long validLines = totals.get("validLines").asLong();
    assertThat(liveRows(tables.dataTable()), is(validLines));
    assertThat(liveRows(tables.metadataTable()), is(totals.get("apps").asLong()));
    List<Long> snapshots = snapshots(tables);

    Run again = run(jar, credentials, "again", "run", concat(options, input));
    assertThat(again.output(), again.exitCode(), is(0));
    assertThat(again.output(), containsString("{SKIP_DONE=5}"));
    assertThat("nothing changed", snapshots(tables), is(snapshots));

    // Fluent Bit writes the new file; the role may only read the logs.
    aws.relax();
    try (S3Client client = s3(AwsBasicCredentials.create("A", "B"))) {
      client.putObject(
          b ->
              b.bucket(LOGS)
                  .key(
                      LOG_PREFIX
                          + "/"
                          + tree
                          + "/spark-24ee4c632eb97a73af1c5abbeaa7e59d/"
                          + "sessionize-clicks-c4372c-exec-1/"
                          + "sessionize-clicks-c4372c-exec-1_091500_grown1.json"),
          RequestBody.fromString(GROWTH));
    } finally {
      aws.enforce();
    }
    Run grown = run(jar, credentials, "grown", "run", concat(options, input));
    assertThat(grown.output(), grown.exitCode(), is(0));
    assertThat(grown.output(), containsString("applications: 1 succeeded, 0 failed"));
    assertThat("the three new lines", liveRows(tables.dataTable()), is(validLines + 3));

    // Every row again: each key gets a second row, and the upsert deletes the older one with
    // position-delete files (v2) or deletion vectors (v3) on S3.
    Run reprocessed =
        run(
            jar,
            credentials,
            "reprocessed",
            "run",
            concat(options, input, List.of("--reprocessAll")));
    assertThat(reprocessed.output(), reprocessed.exitCode(), is(0));
    Matcher upsert = UPSERT.matcher(reprocessed.output());
    assertThat(reprocessed.output(), upsert.find(), is(true));
    assertThat(Long.parseLong(upsert.group(1).replace(",", "")), greaterThan(0L));
    assertThat("one live row per line still", liveRows(tables.dataTable()), is(validLines + 3));
    assertThat("no staging table is left", stagingTables(), not(hasItem(containsString(table))));

    Run upkeep = run(jar, credentials, "upkeep", "upkeep", options);
    assertThat(upkeep.output(), upkeep.exitCode(), is(0));
    assertThat(upkeep.output(), not(containsString("FAILED")));
    assertThat(liveRows(tables.dataTable()), is(validLines + 3));

    Run verify = run(jar, credentials, "verify", "verify", options);
    assertThat(verify.output(), verify.exitCode(), is(0));
    assertThat(verify.output(), containsString(String.format("%,d", validLines + 3)));
    assertThat("the agent saw no caller without the token", refusedCalls.get(), is(0));
    assertThat("every S3 request came with the session token", gate.refused(), is(refusedBefore));
  }

  /**
   * Each Glue action the policy grants is needed: without it, a run on a one-application tree whose
   * tables exist fails (or, for DeleteTable, leaves its staging tables behind) and says which
   * permission to grant. Runs with nothing to land still check the namespace (GetDatabase) and the
   * tables (GetTable), beat (UpdateTable), list, create and drop their staging tables (GetTables,
   * CreateTable, DeleteTable).
   */
  @Test
  void everyGlueActionOfThePolicyIsNeededAndItsAbsenceIsNamed() throws Exception {
    List<String> glueActions =
        IamPolicyTemplate.actionsBySid(policy).values().stream()
            .flatMap(a -> a.stream())
            .filter(a -> a.startsWith("glue:"))
            .distinct()
            .toList();
    assertThat(glueActions, hasItem("glue:GetTables"));
    List<String> options = landedTinyTree("denied");
    for (String action : glueActions) {
      withPolicy(
          IamPolicyTemplate.without(policy, action),
          () -> {
            Run denied =
                run(
                    Jar.DIRECT,
                    CredentialPath.POD_IDENTITY,
                    "without-" + action.substring(5),
                    "run",
                    options);
            String grant = "grant " + action + " to the role Logberg runs as";
            if (action.equals("glue:DeleteTable")) {
              // Dropping the run's staging tables is its last step: the run has done its work, the
              // tables are left for a later run to drop, and the log says why.
              assertThat(denied.output(), denied.exitCode(), is(0));
              assertThat(denied.log(), containsString(grant));
              assertThat(stagingTables(), hasItem(containsString("denied_staging_")));
            } else {
              assertThat(denied.output(), denied.exitCode(), not(is(0)));
              assertThat(denied.output(), containsString(grant));
            }
          });
    }
  }

  /**
   * Which run shows that a statement's action is needed: its command, extra options and exit code
   * without the action.
   */
  private record S3Control(
      String sid, String action, String command, List<String> extra, int exitCode) {}

  /**
   * Each S3 action of each statement is needed: without it, the command that uses it fails (exit 1;
   * 3 when an application's logs cannot be read; exit 0 with files left behind for DeleteObject)
   * and says on the console which permission to grant. A one-application tree whose tables exist: a
   * run lists the logs (ListLogPrefix) and reads and writes table files
   * (ReadWriteWarehouseObjects), a run with --reprocessAll reads the logs again (ReadLogObjects),
   * upkeep lists the table locations for orphans (ListWarehousePrefix), and dropping a run's
   * staging tables deletes their metadata files (DeleteObject).
   */
  @Test
  void everyS3ActionOfThePolicyIsNeededAndItsAbsenceIsNamed() throws Exception {
    List<S3Control> controls =
        List.of(
            new S3Control("ListLogPrefix", "s3:ListBucket", "run", List.of(), 1),
            new S3Control("ReadLogObjects", "s3:GetObject", "run", List.of("--reprocessAll"), 3),
            new S3Control("ListWarehousePrefix", "s3:ListBucket", "upkeep", List.of(), 1),
            new S3Control("ReadWriteWarehouseObjects", "s3:GetObject", "run", List.of(), 1),
            new S3Control("ReadWriteWarehouseObjects", "s3:PutObject", "run", List.of(), 1),
            new S3Control("ReadWriteWarehouseObjects", "s3:DeleteObject", "run", List.of(), 0));
    // Every S3 action of the policy has its control but AbortMultipartUpload, which only a
    // multipart upload that failed half-way calls (Iceberg's S3OutputStream then aborts it).
    List<String> granted = new ArrayList<>();
    IamPolicyTemplate.actionsBySid(policy)
        .forEach(
            (sid, actions) ->
                actions.stream()
                    .filter(a -> a.startsWith("s3:") && !a.equals("s3:AbortMultipartUpload"))
                    .forEach(a -> granted.add(sid + " " + a)));
    assertThat(
        controls.stream().map(c -> c.sid() + " " + c.action()).toList(),
        containsInAnyOrder(granted.toArray()));
    List<String> options = landedTinyTree("s3denied");
    for (S3Control control : controls) {
      withPolicy(
          IamPolicyTemplate.without(policy, control.sid(), control.action()),
          () -> {
            Run denied =
                run(
                    Jar.DIRECT,
                    CredentialPath.POD_IDENTITY,
                    "without-" + control.sid() + "-" + control.action().substring(3),
                    control.command(),
                    concat(options, control.extra()));
            String console = denied.output() + denied.log();
            assertThat(console, denied.exitCode(), is(control.exitCode()));
            assertThat(console, containsString("grant " + control.action()));
          });
    }
  }

  /**
   * What makes the runs above proof of the session: the emulator refuses the session's keys with
   * another token, and refuses the role to a caller the trust policy does not name; the refusal
   * says what to fix.
   */
  @Test
  void theEmulatorChecksTheSessionTokenAndTheTrustPolicy() throws Exception {
    try (GlueClient glue =
        aws(
                GlueClient.builder(),
                AwsSessionCredentials.create(
                    session.accessKeyId(), session.secretAccessKey(), session.sessionToken() + "x"))
            .build()) {
      GlueException refused =
          assertThrows(GlueException.class, () -> glue.getDatabase(d -> d.name(DATABASE)));
      assertThat(refused.statusCode(), is(403));
    }
    try (GlueClient glue = aws(GlueClient.builder(), session).build()) {
      assertThat(glue.getDatabase(d -> d.name(DATABASE)).database().name(), is(DATABASE));
    }
    // The session's keys with another token: the emulator's S3 refuses them.
    try (S3Client otherToken =
        s3(
            AwsSessionCredentials.create(
                session.accessKeyId(), session.secretAccessKey(), session.sessionToken() + "x"))) {
      S3Exception refused =
          assertThrows(
              S3Exception.class,
              () -> otherToken.listObjectsV2(l -> l.bucket(LOGS).prefix(LOG_PREFIX + "/tiny/")));
      assertThat(refused.awsErrorDetails().errorCode(), is("InvalidToken"));
    }
    // Without their token the gate in front of it refuses them; with it, it lets them through.
    int refusedBefore = gate.refused();
    int passedBefore = gate.passed();
    try (S3Client noToken =
            throughGate(
                AwsBasicCredentials.create(session.accessKeyId(), session.secretAccessKey()));
        S3Client withToken = throughGate(session)) {
      S3Exception refused =
          assertThrows(
              S3Exception.class,
              () -> noToken.listObjectsV2(l -> l.bucket(LOGS).prefix(LOG_PREFIX + "/tiny/")));
      assertThat(refused.statusCode(), is(403));
      assertThat(
          withToken.listObjectsV2(l -> l.bucket(LOGS).prefix(LOG_PREFIX + "/tiny/")).keyCount(),
          greaterThan(0));
    }
    assertThat(gate.refused(), is(refusedBefore + 1));
    assertThat(gate.passed(), is(passedBefore + 1));
    AwsCredentials stranger;
    aws.relax();
    try (IamClient iam = aws(IamClient.builder(), AwsBasicCredentials.create("A", "B")).build()) {
      iam.createUser(u -> u.userName("stranger"));
      iam.putUserPolicy(
          p ->
              p.userName("stranger")
                  .policyName("assume-logberg")
                  .policyDocument(statement(null, "sts:AssumeRole", ROLE_ARN)));
      var key = iam.createAccessKey(k -> k.userName("stranger")).accessKey();
      stranger = AwsBasicCredentials.create(key.accessKeyId(), key.secretAccessKey());
    } finally {
      aws.enforce();
    }
    try (StsClient sts = aws(StsClient.builder(), stranger).build()) {
      StsException refused =
          assertThrows(
              StsException.class,
              () -> sts.assumeRole(r -> r.roleArn(ROLE_ARN).roleSessionName("stranger")));
      assertThat(
          AwsErrors.explain(refused).orElseThrow(),
          containsString("the role's trust policy must let the caller"));
      assertThat(AwsErrors.explain(refused).orElseThrow(), containsString("sts:AssumeRole"));
    }
    // IRSA: STS exchanges only a token the trust policy's web identity statement names.
    try (StsClient sts =
        StsClient.builder()
            .endpointOverride(webIdentity.endpoint())
            .region(Region.of(REGION))
            .credentialsProvider(AnonymousCredentialsProvider.create())
            .build()) {
      int stsRefusedBefore = webIdentity.refused();
      StsException notTrusted =
          assertThrows(
              StsException.class,
              () ->
                  sts.assumeRoleWithWebIdentity(
                      r ->
                          r.roleArn(ROLE_ARN)
                              .roleSessionName("other")
                              .webIdentityToken(
                                  webIdentity.mint(
                                      OIDC_ISSUER,
                                      "system:serviceaccount:other:default",
                                      "sts.amazonaws.com"))));
      assertThat(notTrusted.statusCode(), is(403));
      assertThat(webIdentity.refused(), is(stsRefusedBefore + 1));
      String issued =
          sts.assumeRoleWithWebIdentity(
                  r ->
                      r.roleArn(ROLE_ARN)
                          .roleSessionName("logberg")
                          .webIdentityToken(
                              webIdentity.mint(OIDC_ISSUER, SERVICE_ACCOUNT, "sts.amazonaws.com")))
              .credentials()
              .sessionToken();
      assertThat(webIdentity.issuedTokens().contains(issued), is(true));
    }
  }

  /**
   * The options of runs on the one-application tree, into table {@code table} after a first run
   * with the full policy landed it.
   */
  private static List<String> landedTinyTree(String table) throws Exception {
    List<String> options =
        concat(
            options(table, 2, CredentialPath.POD_IDENTITY),
            List.of("--input=s3://" + LOGS + "/" + LOG_PREFIX + "/tiny"));
    Run setup = run(Jar.DIRECT, CredentialPath.POD_IDENTITY, "setup-" + table, "run", options);
    assertThat(setup.output(), setup.exitCode(), is(0));
    assertThat(setup.output(), containsString("applications: 1 succeeded, 0 failed"));
    return options;
  }

  private interface Step {
    void run() throws Exception;
  }

  /**
   * Runs {@code step} with the role holding {@code reduced}, then gives it the full policy back.
   */
  private static void withPolicy(ObjectNode reduced, Step step) throws Exception {
    aws.relax();
    try (IamClient iam = aws(IamClient.builder(), AwsBasicCredentials.create("A", "B")).build()) {
      grant(iam, reduced);
    }
    aws.enforce();
    try {
      step.run();
    } finally {
      aws.relax();
      try (IamClient iam = aws(IamClient.builder(), AwsBasicCredentials.create("A", "B")).build()) {
        grant(iam, policy);
      }
      aws.enforce();
    }
  }

  /**
   * Puts the role's access policy, widened where moto authorises against another resource than AWS
   * does: Glue calls against "*", never a Glue ARN, and a multi-object delete (DeleteObjects,
   * Iceberg's bulk delete) against the bucket, not each key. Actions are enforced as written.
   */
  private static void grant(IamClient iam, ObjectNode access) {
    ObjectNode forEmulator = access.deepCopy();
    for (JsonNode statement : forEmulator.get("Statement")) {
      List<String> actions = IamPolicyTemplate.strings(statement, "Action");
      if (actions.stream().allMatch(a -> a.startsWith("glue:"))) {
        ((ObjectNode) statement).put("Resource", "*");
      } else if (actions.contains("s3:DeleteObject")) {
        var resources = JSON.createArrayNode();
        for (String resource : IamPolicyTemplate.strings(statement, "Resource")) {
          resources.add(resource);
          resources.add(resource.substring(0, resource.indexOf('/')));
        }
        ((ObjectNode) statement).set("Resource", resources);
      }
    }
    iam.putRolePolicy(
        p ->
            p.roleName("logberg")
                .policyName("logberg-access")
                .policyDocument(forEmulator.toString()));
  }

  /**
   * deploy/iam's trust policy: Pod Identity's statement, with the user playing EKS's auth service
   * as its principal (moto checks AWS principals only), and IRSA's as main.tf writes it.
   */
  private static String trustPolicy() {
    String issuer = OIDC_ISSUER.replaceFirst("^https://", "");
    ObjectNode trust = JSON.createObjectNode().put("Version", "2012-10-17");
    var statements = trust.putArray("Statement");
    ObjectNode podIdentity = statements.addObject().put("Sid", "EksPodIdentity");
    podIdentity.put("Effect", "Allow").put("Action", "sts:AssumeRole");
    podIdentity.putObject("Principal").put("AWS", "arn:aws:iam::" + ACCOUNT + ":user/eks-auth");
    ObjectNode irsa = statements.addObject().put("Sid", "Irsa");
    irsa.put("Effect", "Allow").put("Action", "sts:AssumeRoleWithWebIdentity");
    irsa.putObject("Principal")
        .put("Federated", "arn:aws:iam::" + ACCOUNT + ":oidc-provider/" + issuer);
    ObjectNode equals = irsa.putObject("Condition").putObject("StringEquals");
    equals.putArray(issuer + ":sub").add(SERVICE_ACCOUNT);
    equals.putArray(issuer + ":aud").add("sts.amazonaws.com");
    return trust.toString();
  }

  /** A user allowed {@code action} on {@code resource}, and its keys. */
  private static AwsCredentials user(IamClient iam, String name, String action, String resource) {
    iam.createUser(u -> u.userName(name));
    iam.putUserPolicy(
        p ->
            p.userName(name)
                .policyName("assume-logberg")
                .policyDocument(statement(null, action, resource)));
    var key = iam.createAccessKey(k -> k.userName(name)).accessKey();
    return AwsBasicCredentials.create(key.accessKeyId(), key.secretAccessKey());
  }

  private static String statement(String principal, String action, String resource) {
    return "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
        + (principal == null ? "" : "\"Principal\":" + principal + ",")
        + "\"Action\":\""
        + action
        + "\""
        + (resource == null ? "" : ",\"Resource\":\"" + resource + "\"")
        + "}]}";
  }

  private static <B extends software.amazon.awssdk.awscore.client.builder.AwsClientBuilder<B, ?>>
      B aws(B builder, AwsCredentials credentials) {
    return builder
        .endpointOverride(aws.endpoint())
        .region(Region.of(REGION))
        .credentialsProvider(StaticCredentialsProvider.create(credentials));
  }

  /**
   * The options Terraform's logberg_options output names, plus the loopback endpoints: with IRSA's
   * credentials, the gates that admit only AssumeRoleWithWebIdentity's sessions.
   */
  private static List<String> options(String table, int formatVersion, CredentialPath credentials) {
    boolean irsa = credentials == CredentialPath.IRSA;
    List<String> options =
        new ArrayList<>(
            List.of(
                "--catalogType=glue",
                "--region=" + REGION,
                "--warehouse=s3://" + LAKE + "/warehouse",
                "--database=" + DATABASE,
                "--table=" + table,
                "--glueEndpoint="
                    + (irsa ? "http://127.0.0.1:" + webIdentityGlue.port() : aws.endpoint()),
                "--s3Endpoint=http://127.0.0.1:" + (irsa ? webIdentityS3 : gate).port(),
                "--s3PathStyleAccess",
                "--progressSeconds=0"));
    if (formatVersion != 2) {
      // Logberg creates format v2 tables; a catalog-wide override makes them v3.
      options.add("--catalogProperties=table-override.format-version=" + formatVersion);
    }
    return options;
  }

  @SafeVarargs
  private static List<String> concat(List<String>... lists) {
    return Stream.of(lists).flatMap(List::stream).toList();
  }

  /**
   * {@code java -jar logberg-<jar>.jar command ...} with no AWS key in its environment, only what
   * EKS's Pod Identity webhook or IRSA's would set.
   */
  private static Run run(
      Jar jar, CredentialPath credentials, String name, String command, List<String> args)
      throws IOException, InterruptedException {
    assertThat(
        jar.path
            + " is missing: build it with `mvn -B package -DskipTests -pl runners/direct,runners/flink -am`",
        Files.isRegularFile(jar.path),
        is(true));
    List<String> line =
        new ArrayList<>(
            List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g"));
    // The build's JIT setting for test processes (pom.xml, logberg.test.jit): speed, not behaviour.
    Arrays.stream(System.getProperty("logberg.test.jit", "").split("\\s+"))
        .filter(flag -> !flag.isBlank())
        .forEach(line::add);
    line.addAll(List.of("-jar", jar.path.toString(), command));
    line.addAll(jar.localOptions);
    line.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(line);
    Map<String, String> env = builder.environment();
    env.keySet().removeIf(key -> key.startsWith("AWS_"));
    if (credentials == CredentialPath.IRSA) {
      // What IRSA's webhook sets; STS's endpoint is the loopback one.
      env.put("AWS_ROLE_ARN", ROLE_ARN);
      env.put("AWS_WEB_IDENTITY_TOKEN_FILE", webIdentityTokenFile.toString());
      env.put("AWS_REGION", REGION);
      env.put("AWS_DEFAULT_REGION", REGION);
      env.put("AWS_STS_REGIONAL_ENDPOINTS", "regional");
      env.put("AWS_ENDPOINT_URL_STS", webIdentity.endpoint().toString());
    } else {
      env.put(
          "AWS_CONTAINER_CREDENTIALS_FULL_URI",
          "http://127.0.0.1:" + agent.getAddress().getPort() + "/v1/credentials");
      env.put("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", tokenFile.toString());
    }
    env.put("AWS_SHARED_CREDENTIALS_FILE", dir.resolve("no-credentials-file").toString());
    env.put("AWS_CONFIG_FILE", dir.resolve("no-config-file").toString());
    env.put("AWS_EC2_METADATA_DISABLED", "true");
    String stem = jar.name().toLowerCase() + "-" + name + "-" + UUID.randomUUID();
    Path out = dir.resolve(stem + ".out");
    Path err = dir.resolve(stem + ".err");
    long started = System.nanoTime();
    Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    if (!process.waitFor(10, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new AssertionError(jar + " " + name + " did not end in 10 minutes");
    }
    String output = Files.readString(out, StandardCharsets.UTF_8);
    String log = Files.readString(err, StandardCharsets.UTF_8);
    System.out.printf(
        "--- %s %s: exit %d in %.1f s%n%s%n",
        jar, name, process.exitValue(), (System.nanoTime() - started) / 1e9, output);
    if (process.exitValue() != 0) {
      System.out.println(log);
    }
    return new Run(process.exitValue(), output, log);
  }

  /** Reads through the same Glue catalog, as the role (the session keys are system properties). */
  private static <T> T withCatalog(
      java.util.function.Function<org.apache.iceberg.catalog.Catalog, T> work) {
    List<String> args = options("unused", 2, CredentialPath.POD_IDENTITY);
    CatalogSpec spec =
        CatalogSpecs.fromOptions(
            PipelineOptionsFactory.fromArgs(args.toArray(String[]::new)).as(LogbergOptions.class));
    return spec.withClosingFileIO().apply(work::apply);
  }

  private static long liveRows(TableIdentifier table) {
    return withCatalog(
        catalog -> {
          try (CloseableIterable<Record> rows =
              IcebergGenerics.read(catalog.loadTable(table)).build()) {
            long n = 0;
            for (Record ignored : rows) {
              n++;
            }
            return n;
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
  }

  private static int formatVersion(TableIdentifier table) {
    return withCatalog(
        catalog ->
            ((HasTableOperations) catalog.loadTable(table)).operations().current().formatVersion());
  }

  private static List<Long> snapshots(LogbergTables tables) {
    return withCatalog(
        catalog ->
            Stream.of(
                    tables.dataTable(),
                    tables.metadataTable(),
                    tables.rejectsTable(),
                    tables.filesTable())
                .map(catalog::loadTable)
                .map(Table::currentSnapshot)
                .map(s -> s == null ? -1L : s.snapshotId())
                .toList());
  }

  private static List<String> stagingTables() {
    return withCatalog(
        catalog ->
            catalog.listTables(Namespace.of(DATABASE)).stream()
                .map(TableIdentifier::name)
                .filter(n -> n.contains("_staging_"))
                .toList());
  }

  /** An S3 client of the emulator through the gate that checks the Pod Identity session token. */
  private static S3Client throughGate(AwsCredentials credentials) {
    return S3Client.builder()
        .endpointOverride(URI.create("http://127.0.0.1:" + gate.port()))
        .forcePathStyle(true)
        .region(Region.of(REGION))
        .credentialsProvider(StaticCredentialsProvider.create(credentials))
        .build();
  }

  /** An S3 client of the emulator, path-style as Logberg's options set it. */
  private static S3Client s3(AwsCredentials credentials) {
    return aws(S3Client.builder(), credentials).forcePathStyle(true).build();
  }

  private static void upload(S3Client client, Path from, String to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        String key = LOG_PREFIX + "/" + to + "/" + from.relativize(file).toString();
        client.putObject(b -> b.bucket(LOGS).key(key), RequestBody.fromFile(file));
      }
    }
  }

  /** The Pod Identity agent: the role's session for the bearer of the token, 401/403 otherwise. */
  private static void startAgent() throws IOException {
    agentToken = UUID.randomUUID().toString();
    tokenFile = dir.resolve("eks-pod-identity-token");
    Files.writeString(tokenFile, agentToken);
    agent = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    agent.createContext("/v1/credentials", AwsRehearsalIT::credentials);
    agent.start();
  }

  private static void credentials(HttpExchange exchange) throws IOException {
    agentCalls.incrementAndGet();
    try (exchange) {
      String authorization = exchange.getRequestHeaders().getFirst("Authorization");
      byte[] body;
      if (agentToken.equals(authorization)) {
        ObjectNode answer = JSON.createObjectNode();
        answer.put("AccessKeyId", session.accessKeyId());
        answer.put("SecretAccessKey", session.secretAccessKey());
        answer.put("Token", session.sessionToken());
        answer.put("AccountId", ACCOUNT);
        answer.put(
            "Expiration",
            java.time.Instant.now()
                .plus(java.time.Duration.ofHours(1))
                .truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                .toString());
        body = answer.toString().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, body.length);
      } else {
        refusedCalls.incrementAndGet();
        body =
            "{\"message\":\"Service account token cannot be empty\"}"
                .getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(authorization == null ? 401 : 403, body.length);
      }
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }
}
