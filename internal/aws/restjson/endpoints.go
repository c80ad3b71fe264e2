package restjson

import "strings"

// Where the three services are in a region, as the SDK's endpoint rules
// resolve them (no FIPS, no dual stack): the region's partition decides
// the DNS suffix, and Sign-In's host in each partition.

// OIDC is the SSO OIDC API's base URL in region.
func OIDC(region string) string {
	return "https://oidc." + region + "." + partitionOf(region).dns
}

// Portal is the AWS access portal API's base URL in region.
func Portal(region string) string {
	return "https://portal.sso." + region + "." + partitionOf(region).dns
}

// SignIn is AWS Sign-In's base URL in region.
func SignIn(region string) string {
	return "https://" + region + "." + partitionOf(region).signin
}

type partition struct {
	dns    string // the services' DNS suffix
	signin string // Sign-In's host, after the region
}

// partitionOf is region's partition as the SDK finds it: a partition's
// global pseudo-region, else the first whose region pattern
// (PREFIX-\w+-\d+) the name fits, else aws.
func partitionOf(region string) partition {
	switch {
	case region == "aws-cn-global" || fits(region, "cn-"):
		return partition{"amazonaws.com.cn", "signin.amazonaws.cn"}
	case region == "aws-us-gov-global" || fits(region, "us-gov-"):
		return partition{"amazonaws.com", "signin.amazonaws-us-gov.com"}
	case region == "aws-iso-global" || fits(region, "us-iso-"):
		return partition{"c2s.ic.gov", "signin.c2shome.ic.gov"}
	case region == "aws-iso-b-global" || fits(region, "us-isob-"):
		return partition{"sc2s.sgov.gov", "signin.sc2shome.sgov.gov"}
	case region == "aws-iso-e-global" || fits(region, "eu-isoe-"):
		return partition{"cloud.adc-e.uk", "signin.csphome.adc-e.uk"}
	case region == "aws-iso-f-global" || fits(region, "us-isof-"):
		return partition{"csp.hci.ic.gov", "signin.csphome.hci.ic.gov"}
	case fits(region, "eusc-de-"): // no global pseudo-region
		return partition{"amazonaws.eu", "signin.amazonaws-eusc.eu"}
	}
	return partition{"amazonaws.com", "signin.aws.amazon.com"}
}

// fits reports whether region is prefix, a word and a number
// (^prefix\w+-\d+$). No name that fits another partition's pattern fits
// the aws partition's, which the SDK tests first: aws as the last resort
// finds what the SDK finds.
func fits(region, prefix string) bool {
	rest, ok := strings.CutPrefix(region, prefix)
	if !ok {
		return false
	}
	i := strings.LastIndexByte(rest, '-')
	if i <= 0 || i == len(rest)-1 {
		return false
	}
	for _, c := range rest[:i] {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	for _, c := range rest[i+1:] {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
