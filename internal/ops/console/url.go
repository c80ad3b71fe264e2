package console

import (
	"errors"
	"net/url"
	"strings"

	"github.com/stscred/stscred/internal/base/hint"
)

// Issuer names stscred to the federation endpoint (the console shows it
// when the session ends).
const Issuer = "stscred"

// Destination is the console page to land on: path is a service ("s3"),
// a page of one ("ec2/home?region=eu-west-1#Instances:"), or "" for the
// console home; region, when set and the path names none, is added.
func Destination(p Partition, region, path string) (string, error) {
	path = strings.TrimPrefix(strings.TrimSpace(path), "/")
	if strings.Contains(path, "://") || strings.HasPrefix(path, "/") || strings.ContainsAny(path, " \t\r\n\\") {
		return "", hint.With(errors.New("--path is a console page such as s3 or ec2/home#Instances:, not a URL"),
			"e.g. stscred console prod --path s3, or --path 'ec2/home?region=eu-west-1#Instances:'")
	}
	if path == "" {
		path = "console/home"
	}
	page, frag, hasFrag := strings.Cut(path, "#")
	page, query, _ := strings.Cut(page, "?")
	if !strings.Contains(page, "/") {
		page += "/home"
	}
	q, err := url.ParseQuery(query)
	if err != nil {
		return "", hint.With(errors.New("--path: the part after ? is not a query string"), "e.g. --path 'ec2/home?region=eu-west-1#Instances:'")
	}
	if region != "" && q.Get("region") == "" {
		q.Set("region", region)
	}
	u := url.URL{Scheme: "https", Host: p.ConsoleHost, Path: "/" + page, RawQuery: q.Encode()}
	s := u.String()
	if hasFrag {
		s += "#" + frag
	}
	return s, nil
}

// LoginURL is the URL that signs the browser in with token and lands on
// destination. It is a bearer credential.
func LoginURL(federation, token, destination string) string {
	q := url.Values{"Action": {"login"}, "Issuer": {Issuer}, "Destination": {destination}, "SigninToken": {token}}
	return federation + "?" + q.Encode()
}
