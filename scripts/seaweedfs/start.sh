#!/usr/bin/env bash
# Start SeaweedFS ("weed mini", one process) on 127.0.0.1 as a local stand-in for
# AWS IAM + STS + S3 that really enforces user and session policies.
#
# usage: scripts/seaweedfs/start.sh [STATE_DIR]
#   STATE_DIR  where data, logs and the admin key live (default: a new temp dir)
# environment (optional):
#   WEED             the weed binary (default: weed on PATH, else build.sh's cache)
#   S3_PORT=18333    first port tried for the endpoint; the master, volume, filer and
#                    admin servers take the next four, and each of the five also
#                    uses port+10000 for gRPC. Busy blocks are skipped in steps of 10.
#   BOOTSTRAP_ROLE=1 pre-create the tool's role trusting the admin (see below); 0 skips
#   READY_TIMEOUT=90 seconds to wait for the server
# stdout (last line): the endpoint URL. Files written in STATE_DIR:
#   admin.json  {"AccessKeyId": ..., "SecretAccessKey": ...}, the format of --auth
#   endpoint, weed.pid, weed.log, env.sh (exports SEAWEED_ENDPOINT etc.)
# Stop with scripts/seaweedfs/stop.sh STATE_DIR. Needs python3 with boto3.
#
# Differences from AWS that the set-up works around:
#   - there are no AWS-managed policies, so AmazonS3FullAccess and
#     AmazonS3ReadOnlyAccess are created as customer policies (an ARN resolves by
#     its last component);
#   - a trust principal arn:aws:iam::ACCOUNT:root does not cover the account's
#     users, so the role s3-credentials would create could not be assumed; it is
#     created here trusting the admin's own ARN as well.
set -euo pipefail
cd "$(dirname "$0")"
HERE=$(pwd)
cd - >/dev/null

WEED=${WEED:-$(command -v weed || echo "${XDG_CACHE_HOME:-$HOME/.cache}/seaweedfs-4.53/weed")}
READY_TIMEOUT=${READY_TIMEOUT:-90}
BOOTSTRAP_ROLE=${BOOTSTRAP_ROLE:-1}
[[ -x "$WEED" ]] || { echo "start.sh: no weed binary at $WEED; run $HERE/build.sh" >&2; exit 1; }
python3 -c 'import boto3' 2>/dev/null || { echo "start.sh: python3 with boto3 is needed" >&2; exit 1; }

STATE_DIR=${1:-$(mktemp -d "${TMPDIR:-/tmp}/seaweedfs.XXXXXX")}
mkdir -p "$STATE_DIR/data"
STATE_DIR=$(cd "$STATE_DIR" && pwd)
if [[ -f "$STATE_DIR/weed.pid" ]] && kill -0 "$(cat "$STATE_DIR/weed.pid")" 2>/dev/null; then
  echo "start.sh: already running in $STATE_DIR (pid $(cat "$STATE_DIR/weed.pid"))" >&2
  exit 1
fi

# Admin identity (kept across restarts of the same STATE_DIR) and a free port block.
BASE=$(umask 077; python3 - "$STATE_DIR" "${S3_PORT:-18333}" <<'PY'
import json, os, secrets, socket, string, sys
d, port = sys.argv[1], int(sys.argv[2])
path = os.path.join(d, "admin.json")
if os.path.exists(path):
    admin = json.load(open(path))
else:
    rand = lambda alphabet, n: "".join(secrets.choice(alphabet) for _ in range(n))
    admin = {"AccessKeyId": "AKIA" + rand(string.ascii_uppercase + string.digits, 16),
             "SecretAccessKey": rand(string.ascii_letters + string.digits, 40)}
    json.dump(admin, open(path, "w"))
# The static identity weed loads with -s3.config: one administrator.
json.dump({"identities": [{"name": "admin",
           "credentials": [{"accessKey": admin["AccessKeyId"], "secretKey": admin["SecretAccessKey"]}],
           "actions": ["Admin", "Read", "List", "Tagging", "Write"]}]},
          open(os.path.join(d, "s3.json"), "w"))
def free(p):
    for host in ("127.0.0.1", "0.0.0.0"):
        s = socket.socket()
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, p))
        except OSError:
            return False
        finally:
            s.close()
    return True
for _ in range(200):
    ports = [port + i for i in range(5)]
    ports += [p + 10000 for p in ports]
    if max(ports) < 65536 and all(map(free, ports)):
        print(port)
        break
    port += 10
else:
    sys.exit("start.sh: no free block of ports")
PY
)
EP="http://127.0.0.1:$BASE"

# Loopback only, no telemetry, IAM writes allowed (mini makes IAM read-only by
# default). No -s3.iam.config on purpose: without one, roles persist in the filer
# and the policy engine's default is the one documented for IAM users.
CMD=("$WEED" mini
  -dir="$STATE_DIR/data"
  -ip=127.0.0.1 -ip.bind=127.0.0.1
  -master.telemetry=false
  -webdav=false -admin.ui=false -admin.port.legacy=0
  -s3.port.iceberg=0 -s3.port.lance=0
  -s3.port=$BASE -master.port=$((BASE + 1)) -volume.port=$((BASE + 2))
  -filer.port=$((BASE + 3)) -admin.port=$((BASE + 4))
  -master.volumeSizeLimitMB=64
  -s3.config="$STATE_DIR/s3.json"
  -s3.iam.readOnly=false)

start=$SECONDS
# Own session: a Ctrl-C in the caller's terminal does not reach it; stop.sh
# signals it by PID. AWS_* are cleared so weed adds no identity from them.
env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY -u AWS_SESSION_TOKEN \
  setsid "${CMD[@]}" >"$STATE_DIR/weed.log" 2>&1 </dev/null &
PID=$!
echo "$PID" >"$STATE_DIR/weed.pid"

fail() {
  echo "start.sh: $1; last lines of $STATE_DIR/weed.log:" >&2
  tail -20 "$STATE_DIR/weed.log" >&2 || true
  "$HERE/stop.sh" "$STATE_DIR" >/dev/null 2>&1 || true
  exit 1
}

# Wait until signed STS and IAM calls work, then create what the tool expects.
python3 - "$EP" "$STATE_DIR/admin.json" "$READY_TIMEOUT" "$BOOTSTRAP_ROLE" "$PID" <<'PY' || fail "weed did not start or could not be set up"
import json, os, sys, time
import boto3, botocore.config
ep, admin_file, timeout, bootstrap_role, pid = sys.argv[1], sys.argv[2], float(sys.argv[3]), sys.argv[4] == "1", int(sys.argv[5])
admin = json.load(open(admin_file))
kw = dict(endpoint_url=ep, region_name="us-east-1",
          aws_access_key_id=admin["AccessKeyId"], aws_secret_access_key=admin["SecretAccessKey"],
          config=botocore.config.Config(retries={"max_attempts": 1}, connect_timeout=2, read_timeout=10))
sts, iam = boto3.client("sts", **kw), boto3.client("iam", **kw)
deadline = time.time() + timeout
while True:
    try:
        os.kill(pid, 0)
    except OSError:
        sys.exit("weed exited while starting")
    try:
        me = sts.get_caller_identity()
        iam.list_users()
        break
    except Exception as e:
        if time.time() > deadline:
            sys.exit(f"not ready after {timeout:.0f}s: {e}")
        time.sleep(0.3)

def create(fn, **kw):
    try:
        fn(**kw)
    except iam.exceptions.EntityAlreadyExistsException:
        pass

def allow(actions):
    return json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": actions, "Resource": "*"}]})

create(iam.create_policy, PolicyName="AmazonS3FullAccess", Description="stand-in for the AWS-managed policy",
       PolicyDocument=allow(["s3:*", "s3-object-lambda:*"]))
create(iam.create_policy, PolicyName="AmazonS3ReadOnlyAccess", Description="stand-in for the AWS-managed policy",
       PolicyDocument=allow(["s3:Get*", "s3:List*", "s3-object-lambda:Get*", "s3-object-lambda:List*"]))
if bootstrap_role:
    role = "s3-credentials.AmazonS3FullAccess"
    trust = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Action": "sts:AssumeRole",
        "Principal": {"AWS": [f"arn:aws:iam::{me['Account']}:root", me["Arn"]]}}]})
    create(iam.create_role, RoleName=role, AssumeRolePolicyDocument=trust, MaxSessionDuration=43200,
           Description="Role the s3-credentials tool assumes for time-limited credentials")
    iam.update_assume_role_policy(RoleName=role, PolicyDocument=trust)
    iam.attach_role_policy(RoleName=role, PolicyArn="arn:aws:iam::aws:policy/AmazonS3FullAccess")
PY

echo "$EP" >"$STATE_DIR/endpoint"
cat >"$STATE_DIR/env.sh" <<ENV
export SEAWEED_STATE_DIR=$STATE_DIR
export SEAWEED_ENDPOINT=$EP
export SEAWEED_ADMIN_JSON=$STATE_DIR/admin.json
export SEAWEED_PID=$PID
export AWS_DEFAULT_REGION=us-east-1
ENV
echo "start.sh: weed (pid $PID) ready in $((SECONDS - start)) s at $EP; state in $STATE_DIR" >&2
echo "$EP"
