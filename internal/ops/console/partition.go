// Package console signs in to the AWS Management Console with temporary
// credentials: the federation endpoint's getSigninToken turns them into a
// sign-in token, and a login URL with that token opens the console as the
// session's principal. The URL is a bearer credential for as long as the
// token works (15 minutes) and gives a console session of up to 12 hours:
// it goes to a browser or to stdout, never into a message.
package console

import (
	"strings"
)

// Partition is where a principal lives, and the hosts that serve it.
type Partition struct {
	Name        string // aws, aws-us-gov, aws-cn
	Federation  string // the federation endpoint
	ConsoleHost string // the console's host
}

var partitions = []Partition{
	{"aws", "https://signin.aws.amazon.com/federation", "console.aws.amazon.com"},
	{"aws-us-gov", "https://signin.amazonaws-us-gov.com/federation", "console.amazonaws-us-gov.com"},
	{"aws-cn", "https://signin.amazonaws.cn/federation", "console.amazonaws.cn"},
}

// PartitionOf is the partition of an ARN (arn:PARTITION:...); without one,
// that of the region (us-gov-*, cn-*), else aws.
func PartitionOf(arn, region string) Partition {
	if parts := strings.SplitN(arn, ":", 3); len(parts) == 3 && parts[0] == "arn" {
		for _, p := range partitions {
			if p.Name == parts[1] {
				return p
			}
		}
	}
	switch {
	case strings.HasPrefix(region, "us-gov-"):
		return partitions[1]
	case strings.HasPrefix(region, "cn-"):
		return partitions[2]
	}
	return partitions[0]
}
