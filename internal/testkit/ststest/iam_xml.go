package ststest

import "encoding/xml"

// The result elements of the IAM actions, in the order the real service
// writes their members.

type iamUserXML struct {
	Path       string
	UserName   string
	UserID     string `xml:"UserId"`
	Arn        string
	CreateDate string
}

type getUserResult struct {
	XMLName xml.Name `xml:"GetUserResult"`
	User    iamUserXML
}

type accessKeyMetadataXML struct {
	UserName    string
	AccessKeyID string `xml:"AccessKeyId"`
	Status      string
	CreateDate  string
}

type listAccessKeysResult struct {
	XMLName xml.Name `xml:"ListAccessKeysResult"`
	// AccessKeyMetadata is written even when empty, as the service does.
	AccessKeyMetadata struct {
		Members []accessKeyMetadataXML `xml:"member"`
	}
	IsTruncated bool
	// Marker is where the next page starts, sent only with a truncated
	// page.
	Marker string `xml:",omitempty"`
}

type accessKeyXML struct {
	UserName        string
	AccessKeyID     string `xml:"AccessKeyId"`
	Status          string
	SecretAccessKey string
	CreateDate      string
}

type createAccessKeyResult struct {
	XMLName   xml.Name `xml:"CreateAccessKeyResult"`
	AccessKey accessKeyXML
}
