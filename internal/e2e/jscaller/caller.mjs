// caller.mjs PROFILE: what an application using the AWS SDK for JavaScript
// v3 does: credentials from the shared config through fromIni (which runs
// the profile's credential_process), then GetCallerIdentity, signed with
// them, at AWS_ENDPOINT_URL_STS. Prints one JSON line: the identity and
// the account id the SDK took from the credential_process output.
import { STSClient, GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import { fromIni } from "@aws-sdk/credential-providers";

const profile = process.argv[2];
const credentials = fromIni({ profile });
const client = new STSClient({
  region: process.env.AWS_REGION || "eu-west-1",
  endpoint: process.env.AWS_ENDPOINT_URL_STS,
  credentials,
  maxAttempts: 1,
});
try {
  const id = await client.send(new GetCallerIdentityCommand({}));
  const c = await client.config.credentials();
  console.log(JSON.stringify({ Arn: id.Arn, Account: id.Account, AccessKeyId: c.accessKeyId, AccountIdFromProcess: c.accountId ?? null }));
} catch (e) {
  console.error(`jscaller: ${e.name}: ${e.message}`);
  process.exit(1);
}
