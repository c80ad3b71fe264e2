package awsapi

import (
	"strings"

	"github.com/stscred/stscred/internal/config/awsconfig"
)

// Settings are the environment's say over where STS is, read once by the
// command layer (AWS_REGION/AWS_DEFAULT_REGION, AWS_ENDPOINT_URL_STS,
// AWS_ENDPOINT_URL, AWS_STS_REGIONAL_ENDPOINTS,
// AWS_IGNORE_CONFIGURED_ENDPOINT_URLS).
type Settings struct {
	Region              string
	EndpointURLSTS      string
	EndpointURLSignin   string // AWS_ENDPOINT_URL_SIGNIN: AWS Sign-In's (login_session profiles)
	EndpointURL         string
	RegionalEndpoints   string
	IgnoreConfiguredURL bool
}

// DefaultRegion is used when neither the environment nor the profile names
// one, as the SDKs' STS clients do for credential providers.
const DefaultRegion = "us-east-1"

// legacyGlobal are the regions that sts_regional_endpoints = legacy sends
// to the global endpoint.
var legacyGlobal = map[string]bool{
	"ap-northeast-1": true, "ap-south-1": true, "ap-southeast-1": true, "ap-southeast-2": true,
	"aws-global": true, "ca-central-1": true, "eu-central-1": true, "eu-north-1": true,
	"eu-west-1": true, "eu-west-2": true, "eu-west-3": true, "sa-east-1": true,
	"us-east-1": true, "us-east-2": true, "us-west-1": true, "us-west-2": true,
}

// EndpointFor decides where STS calls for profile p go.
func (s Settings) EndpointFor(p *awsconfig.Profile) Endpoint {
	region := s.Region
	if region == "" {
		region = p.Region
	}
	if region == "" {
		region = DefaultRegion
	}
	var url string
	if !s.IgnoreConfiguredURL {
		url = firstOf(s.EndpointURLSTS, s.EndpointURL, p.EndpointURL)
	}
	if url != "" {
		return Endpoint{URL: url, Region: region}
	}
	mode := s.RegionalEndpoints
	if mode == "" {
		mode = p.STSRegionalEndpoints
	}
	if mode == "legacy" && legacyGlobal[region] {
		return Endpoint{URL: "https://sts.amazonaws.com", Region: "us-east-1"}
	}
	return Endpoint{Region: region}
}

func firstOf(vals ...string) string {
	for _, v := range vals {
		if v != "" {
			return v
		}
	}
	return ""
}

// SettingsFrom reads the environment's say over where STS is.
func SettingsFrom(getenv func(string) string) Settings {
	region := getenv("AWS_REGION")
	if region == "" {
		region = getenv("AWS_DEFAULT_REGION")
	}
	return Settings{
		Region:              region,
		EndpointURLSTS:      getenv("AWS_ENDPOINT_URL_STS"),
		EndpointURLSignin:   getenv("AWS_ENDPOINT_URL_SIGNIN"),
		EndpointURL:         getenv("AWS_ENDPOINT_URL"),
		RegionalEndpoints:   getenv("AWS_STS_REGIONAL_ENDPOINTS"),
		IgnoreConfiguredURL: strings.EqualFold(getenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"), "true"),
	}
}
