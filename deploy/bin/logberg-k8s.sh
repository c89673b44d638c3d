#!/usr/bin/env bash
# Deploys, watches, checks and removes Logberg jobs on Kubernetes, through the Flink Kubernetes operator
# (FlinkDeployment) or the Spark operator (SparkApplication). Run with --help for the verbs and options.
#
# Every user value reaches kubectl and java as one argument of its own: nothing here is eval'ed or re-parsed by
# the shell, and --dry-run prints the commands shell-quoted, so what is printed is what would run.
set -euo pipefail

# Builtins only up to the tool checks, so a missing tool is reported as such even on a bare PATH.
script_dir=${BASH_SOURCE[0]%/*}
[[ $script_dir != "${BASH_SOURCE[0]}" ]] || script_dir=.
repo_root=$(cd "$script_dir/../.." && pwd)

usage() {
  cat <<'EOF'
Usage: logberg-k8s.sh <verb> --engine flink|spark [options] [--param name=value ...] [-- verify-args ...]

Verbs:
  deploy    render the FlinkDeployment / SparkApplication with the launcher, then kubectl apply it; with
            --schedule, the schedule that launches a run each time instead (and --upkeepSchedule: upkeep's);
            with --continuous (flink), a Deployment of one pod running `watch` instead
  status    the job resource with its state, and its pods
  logs      logs of the job manager (Flink) or driver (Spark) pod
  monitor   poll the job state until it ends: exit 0 when FINISHED (Flink) / COMPLETED (Spark),
            1 when it failed, 124 when --timeout passes first
  verify    print the summary of the Iceberg tables: the pipeline's verify command in a one-off pod
            (image --image, service account as the job, so the same AWS role); --local runs it here
  cleanup   delete the job resource (and a verify pod left behind)
  unschedule  delete what deploy --schedule applied (runs already started go on until they end)

Options:
  --engine flink|spark      which operator runs the job (required)
  --jobName NAME            Kubernetes name of the job (default: logberg): a-z, 0-9, '-', from a letter, <= 45
  --namespace NS            namespace of the job (default: logberg)
  --serviceAccount SA       service account of the job's pods (default: logberg-flink / logberg-spark)
  --image IMAGE             image of the job, pushed to a registry the cluster pulls from (deploy: required;
                            verify: required unless --local)
  --param name=value        a template parameter (repeatable), e.g. --param input=s3://bucket/prefix/team-a;
                            deploy passes it to the launcher, verify as the pipeline option --name=value
  --template FILE           template spec (default: deploy/templates/spark-logs-to-iceberg.json)
  --launcher JAR            launcher jar (default: runners/launch/target/logberg-launch.jar)
  --output FILE             deploy: keep the rendered manifest in FILE (default: a temporary file)
  --schedule CRON           deploy: a run on this schedule, e.g. "0 * * * *" for every hour, not one run now
  --upkeepSchedule CRON     deploy --schedule: also upkeep (compaction, snapshot expiry) on this schedule
  --continuous              flink: the job is `watch`, landing files as they arrive, in a Deployment of one pod;
                            status, logs and cleanup then act on that Deployment (monitor: it never ends)
  --timeout SECONDS         monitor: give up after this long (default: 3600)
  --interval SECONDS        monitor: seconds between polls (default: 15)
  --follow                  logs: keep streaming
  --local                   verify: run java here (default AWS credential chain of this machine) instead of a pod
  --dry-run                 print the kubectl / java commands instead of running them
  -h, --help                this text
Arguments after -- are passed to the pipeline's verify command as they are.

Exit codes: 0 done, 1 a command or the job failed, 2 bad usage or a missing tool/file, 124 monitor timed out.
EOF
}

fail_usage() {
  printf 'logberg-k8s: %s\n' "$1" >&2
  exit 2
}

# Prints the arguments as one shell command line that re-parses to exactly these arguments.
print_command() {
  local line="" arg
  for arg in "$@"; do
    if [[ $arg =~ ^[A-Za-z0-9_./:=,@%+-]+$ ]]; then
      line+="$arg "
    else
      line+="'${arg//\'/\'\\\'\'}' "
    fi
  done
  printf '%s\n' "${line% }"
}

run() {
  if [[ $dry_run == true ]]; then
    print_command "$@"
  else
    printf '+ ' >&2
    print_command "$@" >&2
    "$@"
  fi
}

require_tools() {
  [[ $dry_run == true ]] && return 0
  local tool
  for tool in "$@"; do
    command -v "$tool" >/dev/null 2>&1 || fail_usage "$tool is not on PATH: install it (the $verb verb runs $tool) or fix PATH"
  done
}

require_file() {
  [[ $dry_run == true || -f $2 ]] || fail_usage "$1 not found: $2"
}

# The options, kept as plain strings and arrays; a value never becomes code.
verb=""
engine=""
job_name="logberg"
namespace="logberg"
service_account=""
image=""
template="$repo_root/deploy/templates/spark-logs-to-iceberg.json"
launcher="$repo_root/runners/launch/target/logberg-launch.jar"
output=""
schedule=""
upkeep_schedule=""
timeout=3600
interval=15
follow=false
continuous=false
local_verify=false
dry_run=false
params=()
verify_args=()

# Sets the option NAME from VALUE; called without VALUE when the command line ends after NAME.
set_option() {
  local variable
  case "$1" in
    --engine) variable=engine ;;
    --jobName) variable=job_name ;;
    --namespace) variable=namespace ;;
    --serviceAccount) variable=service_account ;;
    --image) variable=image ;;
    --param) variable=params ;;
    --template) variable=template ;;
    --launcher) variable=launcher ;;
    --output) variable=output ;;
    --schedule) variable=schedule ;;
    --upkeepSchedule) variable=upkeep_schedule ;;
    --timeout) variable=timeout ;;
    --interval) variable=interval ;;
    *) fail_usage "unknown option: $1 (see --help)" ;;
  esac
  (($# == 2)) || fail_usage "$1 needs a value"
  if [[ $variable == params ]]; then
    params+=("$2")
  else
    printf -v "$variable" '%s' "$2"
  fi
}

while (($# > 0)); do
  case "$1" in
    -h | --help)
      usage
      exit 0
      ;;
    --dry-run) dry_run=true ;;
    --follow) follow=true ;;
    --continuous) continuous=true ;;
    --local) local_verify=true ;;
    --)
      shift
      verify_args=("$@")
      break
      ;;
    --*=*) set_option "${1%%=*}" "${1#*=}" ;;
    --*)
      if (($# >= 2)); then
        set_option "$1" "$2"
        shift
      else
        set_option "$1"
      fi
      ;;
    -*) fail_usage "unknown option: $1 (see --help)" ;;
    *)
      [[ -z $verb ]] || fail_usage "one verb at a time: got '$verb' and '$1'"
      verb=$1
      ;;
  esac
  shift
done

if [[ -z $verb ]]; then
  usage >&2
  exit 2
fi
case "$verb" in
  deploy | status | logs | monitor | verify | cleanup | unschedule) ;;
  *) fail_usage "unknown verb '$verb': use deploy, status, logs, monitor, verify, cleanup or unschedule" ;;
esac

# What differs between the engines: the operator's resource, the launcher's target, the pods' labels, where the
# image keeps the jar (self-contained: `java -jar` runs it), and the states that end a job.
case "$engine" in
  flink)
    resource="flinkdeployments.flink.apache.org"
    target="flink-k8s"
    state_path="{.status.jobStatus.state}/{.status.lifecycleState}"
    error_path="{.status.error}"
    status_columns="NAME:.metadata.name,JOB:.status.jobStatus.state,LIFECYCLE:.status.lifecycleState,JOBMANAGER:.status.jobManagerDeploymentStatus"
    pods_selector="app=$job_name"
    main_pod_selector="app=$job_name,component=jobmanager"
    image_jar="/opt/flink/usrlib/logberg-flink.jar" # deploy/flink/Dockerfile
    run_as_user=9999 # the flink user of the official image
    ;;
  spark)
    resource="sparkapplications.sparkoperator.k8s.io"
    target="spark-k8s"
    state_path="{.status.applicationState.state}"
    error_path="{.status.applicationState.errorMessage}"
    status_columns="NAME:.metadata.name,STATE:.status.applicationState.state,ATTEMPTS:.status.submissionAttempts,DRIVER:.status.driverInfo.podName"
    pods_selector="sparkoperator.k8s.io/app-name=$job_name"
    main_pod_selector="sparkoperator.k8s.io/app-name=$job_name,spark-role=driver"
    image_jar="/opt/logberg/logberg-spark.jar" # deploy/spark/Dockerfile
    run_as_user=185 # the spark user of the official image
    ;;
  "") fail_usage "--engine is required: --engine flink or --engine spark" ;;
  *) fail_usage "unknown engine '$engine': use --engine flink or --engine spark" ;;
esac
service_account=${service_account:-logberg-$engine}
if [[ $continuous == true ]]; then
  [[ $engine == flink ]] ||
    fail_usage "--continuous runs on flink: a Spark driver that never ends would hold its executors (docs/CONTINUOUS.md)"
  [[ $verb != monitor ]] || fail_usage "a continuous job never ends: use status or logs"
  # What the launcher renders for --continuous: a Deployment labelled like every Logberg resource.
  resource="deployments.apps"
  status_columns="NAME:.metadata.name,READY:.status.readyReplicas,UPDATED:.status.updatedReplicas,AVAILABLE:.status.availableReplicas"
  pods_selector="app.kubernetes.io/instance=$job_name,app.kubernetes.io/component=flink"
  main_pod_selector=$pods_selector
fi

# Names end up in label selectors and a JSON override: restricting them to Kubernetes name syntax keeps them inert
# there too. 45 is Flink's limit for a cluster id; the Spark driver pod adds "-driver" within 63.
# The launcher checks the same.
dns_label='^[a-z0-9]([-a-z0-9]*[a-z0-9])?$'
[[ $job_name =~ ^[a-z]([-a-z0-9]*[a-z0-9])?$ && ${#job_name} -le 45 ]] ||
  fail_usage "--jobName '$job_name' must be lowercase letters, digits and '-', start with a letter, at most 45 characters"
[[ $namespace =~ $dns_label && ${#namespace} -le 63 ]] || fail_usage "--namespace '$namespace' is not a Kubernetes name"
[[ $service_account =~ $dns_label && ${#service_account} -le 63 ]] ||
  fail_usage "--serviceAccount '$service_account' is not a Kubernetes name"
[[ $timeout =~ ^[1-9][0-9]*$ ]] || fail_usage "--timeout must be a positive number of seconds, not '$timeout'"
[[ $interval =~ ^[1-9][0-9]*$ ]] || fail_usage "--interval must be a positive number of seconds, not '$interval'"
for param in ${params[@]+"${params[@]}"}; do
  [[ $param =~ ^[A-Za-z][A-Za-z0-9_.-]*= ]] || fail_usage "--param takes name=value, not '$param'"
done

deploy() {
  require_tools java kubectl
  # No default image: a bare name is pulled from Docker Hub, where no Logberg image exists.
  [[ -n $image ]] || fail_usage "deploy needs --image: the image of deploy/$engine/Dockerfile pushed to a registry the cluster pulls from (deploy/README.md)"
  require_file "launcher jar (build it: mvn -B package -DskipTests)" "$launcher"
  require_file "template" "$template"
  local manifest=$output
  if [[ -z $manifest ]]; then
    if [[ $dry_run == true ]]; then
      manifest="${TMPDIR:-/tmp}/logberg-k8s.XXXXXX/$job_name.yaml"
    else
      rendered_dir=$(mktemp -d "${TMPDIR:-/tmp}/logberg-k8s.XXXXXX")
      trap 'rm -rf "$rendered_dir"' EXIT
      manifest="$rendered_dir/$job_name.yaml"
    fi
  fi
  local launch=(java -jar "$launcher" launch --template "$template" --target "$target"
    --namespace "$namespace" --serviceAccount "$service_account" --jobName "$job_name" --output "$manifest")
  launch+=(--image "$image")
  [[ -z $schedule ]] || launch+=(--schedule "$schedule")
  [[ $continuous == false ]] || launch+=(--continuous)
  [[ -z $upkeep_schedule ]] || launch+=(--upkeepSchedule "$upkeep_schedule")
  local param
  for param in ${params[@]+"${params[@]}"}; do
    launch+=(--param "$param")
  done
  # Rendered to a file first: a launcher that rejects a parameter stops here and nothing is applied.
  run "${launch[@]}"
  run kubectl apply --namespace "$namespace" --filename "$manifest"
}

status() {
  require_tools kubectl
  run kubectl get "$resource" "$job_name" --namespace "$namespace" --output "custom-columns=$status_columns"
  run kubectl get pods --namespace "$namespace" --selector "$pods_selector" --output wide
}

logs() {
  require_tools kubectl
  local command=(kubectl logs --namespace "$namespace" --selector "$main_pod_selector" --all-containers --tail=-1)
  [[ $follow == false ]] || command+=(--follow)
  run "${command[@]}"
}

monitor() {
  require_tools kubectl
  local query=(kubectl get "$resource" "$job_name" --namespace "$namespace" --output "jsonpath=$state_path")
  if [[ $dry_run == true ]]; then
    print_command "${query[@]}"
    printf 'logberg-k8s: (polled every %s s until the job ends or %s s pass)\n' "$interval" "$timeout" >&2
    return 0
  fi
  local deadline=$((SECONDS + timeout)) state job lifecycle
  while true; do
    state=$("${query[@]}") || {
      printf 'logberg-k8s: cannot read %s/%s in namespace %s\n' "$resource" "$job_name" "$namespace" >&2
      exit 1
    }
    [[ $state != "/" ]] || state="" # a new FlinkDeployment has neither state yet
    job=${state%%/*}
    lifecycle=${state#*/}
    printf '%s %s/%s: %s\n' "$(date -u +%H:%M:%SZ)" "$engine" "$job_name" "${state:-(no state yet)}"
    case "$engine:$job:$lifecycle" in
      flink:FINISHED:* | spark:COMPLETED:*) return 0 ;;
      flink:FAILED:* | flink:CANCELED:* | flink:*:FAILED | spark:FAILED:* | spark:SUBMISSION_FAILED:*)
        printf 'logberg-k8s: the job ended %s: %s\n' "$state" \
          "$(kubectl get "$resource" "$job_name" --namespace "$namespace" --output "jsonpath=$error_path" || true)" >&2
        exit 1
        ;;
    esac
    if ((SECONDS >= deadline)); then
      printf 'logberg-k8s: timed out after %s s; the job is still %s\n' "$timeout" "${state:-without a state}" >&2
      exit 124
    fi
    sleep "$interval"
  done
}

verify() {
  local args=(verify) param
  for param in ${params[@]+"${params[@]}"}; do
    args+=("--$param")
  done
  args+=(${verify_args[@]+"${verify_args[@]}"})
  if [[ $local_verify == true ]]; then
    require_tools java
    local jar="$repo_root/runners/$engine/target/logberg-$engine.jar"
    require_file "$engine jar (build it: mvn -B package -DskipTests)" "$jar"
    run java -jar "$jar" "${args[@]}"
    return
  fi
  require_tools kubectl
  [[ -n $image ]] || fail_usage "verify needs --image (the job's image), or --local to run here"
  # Same service account as the job, so the same AWS role; the image's own non-root user. The names in this JSON
  # passed the Kubernetes name check above.
  local overrides
  overrides=$(printf '{"apiVersion":"v1","spec":{"serviceAccountName":"%s","securityContext":{"runAsNonRoot":true,"runAsUser":%s}}}' \
    "$service_account" "$run_as_user")
  run kubectl run "$job_name-verify" --namespace "$namespace" --image "$image" --restart=Never --rm --attach --quiet \
    --overrides "$overrides" --command -- java -jar "$image_jar" "${args[@]}"
}

cleanup() {
  require_tools kubectl
  run kubectl delete "$resource" "$job_name" --namespace "$namespace" --ignore-not-found
  run kubectl delete pod "$job_name-verify" --namespace "$namespace" --ignore-not-found
}

unschedule() {
  require_tools kubectl
  # What the launcher renders for a schedule: flink a CronJob and the ConfigMap of its runs, spark a
  # ScheduledSparkApplication; both the upkeep CronJob.
  if [[ $engine == flink ]]; then
    run kubectl delete cronjob "$job_name" --namespace "$namespace" --ignore-not-found
    run kubectl delete configmap "$job_name-run" --namespace "$namespace" --ignore-not-found
  else
    run kubectl delete scheduledsparkapplications.sparkoperator.k8s.io "$job_name" --namespace "$namespace" \
      --ignore-not-found
  fi
  run kubectl delete cronjob "$job_name-upkeep" --namespace "$namespace" --ignore-not-found
}

"$verb"
