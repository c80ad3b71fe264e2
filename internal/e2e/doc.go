// Package e2e holds stscred's end-to-end tests: the built binary, a real
// Secret Service, the STS test server, and the real clients that run
// stscred as credential_process (the AWS CLI v2, boto3, the Go SDK).
// They build only with the tag realworld: `go test -tags realworld
// ./internal/e2e/`, as test.sh runs them; plain `go test ./...` leaves
// them out.
package e2e
