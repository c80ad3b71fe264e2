package main

import (
	"fmt"

	"github.com/danieljoos/wincred"
)

// platform runs the Windows-only commands:
//
//	wintool creds       list the Credential Manager's generic credentials: target, user, blob size
func platform(cmd string, args []string) bool {
	switch cmd {
	case "creds":
		list, err := wincred.List()
		if err != nil {
			fail("listing credentials: " + err.Error())
		}
		for _, c := range list {
			fmt.Printf("%s\t%s\t%d\n", c.TargetName, c.UserName, len(c.CredentialBlob))
		}
		return true
	}
	return false
}
