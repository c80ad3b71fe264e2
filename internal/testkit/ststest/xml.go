package ststest

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// response is <ActionResponse xmlns=...><ActionResult>...</ActionResult>
// <ResponseMetadata><RequestId>...</RequestId></ResponseMetadata>.
type response struct {
	XMLName  xml.Name
	Xmlns    string `xml:"xmlns,attr"`
	Result   any
	Metadata struct {
		RequestID string `xml:"RequestId"`
	} `xml:"ResponseMetadata"`
}

type errorResponse struct {
	XMLName xml.Name `xml:"ErrorResponse"`
	Xmlns   string   `xml:"xmlns,attr"`
	Error   struct {
		Type    string
		Code    string
		Message string
	}
	RequestID string `xml:"RequestId"`
}

type credentialsXML struct {
	AccessKeyID     string `xml:"AccessKeyId"`
	SecretAccessKey string
	SessionToken    string
	Expiration      string
}

func credentialsOf(rec *sessionRecord) credentialsXML {
	return credentialsXML{
		AccessKeyID:     rec.AccessKeyID,
		SecretAccessKey: rec.secret,
		SessionToken:    rec.token,
		Expiration:      formatExpiration(rec.Expiration),
	}
}

// formatExpiration is RFC 3339 in UTC with a Z, to the second.
func formatExpiration(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05Z") }

type getSessionTokenResult struct {
	XMLName     xml.Name `xml:"GetSessionTokenResult"`
	Credentials credentialsXML
}

type assumeRoleResult struct {
	XMLName         xml.Name `xml:"AssumeRoleResult"`
	AssumedRoleUser struct {
		Arn           string
		AssumedRoleID string `xml:"AssumedRoleId"`
	}
	Credentials      credentialsXML
	PackedPolicySize int    `xml:",omitempty"`
	SourceIdentity   string `xml:",omitempty"`
}

type getCallerIdentityResult struct {
	XMLName xml.Name `xml:"GetCallerIdentityResult"`
	Arn     string
	UserID  string `xml:"UserId"`
	Account string
}

// writeXML sends an XML document with the headers every response carries.
func (s *Server) writeXML(w http.ResponseWriter, status int, requestID string, doc any) {
	var buf bytes.Buffer
	if err := xml.NewEncoder(&buf).Encode(doc); err != nil {
		// Only a programming error in this package gets here.
		panic(fmt.Sprintf("ststest: encoding response: %v", err))
	}
	h := w.Header()
	h.Set("Content-Type", "text/xml")
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	h.Set("Date", s.now().Add(s.opts.DateOffset).UTC().Format(http.TimeFormat))
	h["x-amzn-RequestId"] = []string{requestID} // the real service's spelling
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

func (s *Server) writeResult(w http.ResponseWriter, api *api, action, requestID string, result any) {
	doc := response{XMLName: xml.Name{Local: action + "Response"}, Xmlns: api.namespace, Result: result}
	doc.Metadata.RequestID = requestID
	s.writeXML(w, http.StatusOK, requestID, doc)
}

func (s *Server) writeError(w http.ResponseWriter, api *api, requestID string, e *apiError) {
	doc := errorResponse{Xmlns: api.namespace, RequestID: requestID}
	doc.Error.Type = e.errorType()
	doc.Error.Code = e.code
	doc.Error.Message = e.message
	s.writeXML(w, e.status, requestID, doc)
}
