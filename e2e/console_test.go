//go:build linux

package e2e

import (
	"testing"
	"fmt"
)

func TestConsoleExplore(t *testing.T) {
	w := newWorld(t)
	w.addAlice()
	fed := "STSCRED_FEDERATION_URL=" + w.url + "/federation"
	for _, args := range [][]string{
		{"console", "prod-admin", "--url"},
		{"console", "prod", "--url", "--path", "ec2/home#Instances:"},
		{"console", "alice", "--url"},
		{"console", "prod-admin", "--path", "https://evil.example/", "--prompt", "none"},
		{"console", "prod-admin", "--duration", "13h"},
		{"console", "prod-admin"},
		{"console", "prod-admin", "--browser", "false"},
	} {
		res := w.stscredEnv([]string{fed, "STSCRED_MFA_TOKEN=" + w.code()}, args...)
		fmt.Printf("== %v\n%s\n", args, res)
	}
	fmt.Printf("%+v\n", w.srv.Logins())
}
