// Package e2e holds stscred's end-to-end tests: the built binary, a real
// Secret Service, the STS test server, and the real clients that run
// stscred as credential_process (the AWS CLI v2, boto3, the Go SDK).
package e2e
