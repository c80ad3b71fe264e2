#!/usr/bin/env bash
# Regenerates cli_outputs.json: what the AWS CLI (/usr/bin/aws, Debian's
# awscli) prints for get-caller-identity with each --output and --query,
# against the repository's STS test server. Needs /usr/bin/aws and Go.
#
#   internal/ops/awsout/testdata/capture.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cd "$here/../../../.."
port=${PORT:-9931}
endpoint=http://127.0.0.1:$port
go build -o "$here/.ststest" ./cmd/ststest
"$here/.ststest" --listen "127.0.0.1:$port" --quiet >"$here/.banner" &
pid=$!
trap 'kill $pid 2>/dev/null; rm -f "$here/.ststest" "$here/.banner"' EXIT
for _ in $(seq 50); do grep -q 'access key id' "$here/.banner" 2>/dev/null && break; sleep 0.1; done
key=$(awk '/access key id/ {print $4}' "$here/.banner")
secret=$(awk '/secret access key/ {print $4}' "$here/.banner")
role=$(env -i PATH=/usr/bin:/bin HOME="$HOME" AWS_ACCESS_KEY_ID="$key" AWS_SECRET_ACCESS_KEY="$secret" \
	AWS_REGION=eu-west-1 AWS_PAGER= AWS_CONFIG_FILE=/dev/null \
	/usr/bin/aws sts assume-role --endpoint-url "$endpoint" --role-arn arn:aws:iam::222222222222:role/ReadOnly \
	--role-session-name stscred-alice --output text \
	--query 'Credentials.[AccessKeyId,SecretAccessKey,SessionToken]')
read -r rkey rsecret rtoken <<<"$role"
/usr/bin/python3 "$here/capture.py" --endpoint "$endpoint" --user "$key" "$secret" \
	--role "$rkey" "$rsecret" "$rtoken" --out "$here/cli_outputs.json"
echo "wrote $here/cli_outputs.json"
