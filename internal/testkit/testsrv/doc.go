// Package testsrv is what the test servers (ststest's STS and IAM,
// ssotest's Identity Center, signintest's AWS Sign-In) have in common, so
// that each keeps only what is its own: serving on a random loopback port
// (Listener), per-operation call and success counts with a bounded request
// log (Log), queues of injected faults (Faults), random ids, and the admin
// API's plain-text and JSON answers. Imports nothing of stscred's.
package testsrv
