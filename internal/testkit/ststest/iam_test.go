package ststest_test

// The IAM actions' happy paths and the shapes of their results, through the
// Go SDK's IAM client and as raw XML.

import (
	"encoding/xml"
	"errors"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/stscred/stscred/internal/testkit/ststest"
)

var (
	akiaPattern   = regexp.MustCompile(`^AKIA[A-Z2-7]{16}$`)
	secretPattern = regexp.MustCompile(`^[A-Za-z0-9+/]{40}$`)
)

// near reports whether got is within a few seconds of want.
func near(got, want time.Time) bool {
	d := got.Sub(want)
	return d > -3*time.Second && d < 3*time.Second
}

func TestIAMGetUser(t *testing.T) {
	w := newWorld(t)
	for _, name := range []*string{nil, aws.String("alice")} {
		out, err := w.iam(w.aliceCreds()).GetUser(t.Context(), &iam.GetUserInput{UserName: name})
		if err != nil {
			t.Fatalf("GetUser(%v): %v", aws.ToString(name), err)
		}
		u := out.User
		if aws.ToString(u.UserName) != "alice" || aws.ToString(u.UserId) != w.alice.ID() ||
			aws.ToString(u.Arn) != w.alice.ARN() || aws.ToString(u.Path) != "/" {
			t.Errorf("GetUser(%v) = %+v", aws.ToString(name), u)
		}
		if u.CreateDate == nil || !near(*u.CreateDate, w.clock.Now()) {
			t.Errorf("CreateDate %v, want about %v", u.CreateDate, w.clock.Now())
		}
	}
	// The long-term key and an MFA session of alice are both alice.
	out, err := w.iam(w.mfaSession(t)).GetUser(t.Context(), &iam.GetUserInput{})
	if err != nil || aws.ToString(out.User.Arn) != w.alice.ARN() {
		t.Fatalf("GetUser with an MFA session: %v %v", out, err)
	}
}

func TestIAMListAccessKeys(t *testing.T) {
	w := newWorld(t)
	second := w.alice.AddAccessKey()
	if err := w.srv.SetAccessKeyActive(second.ID, false); err != nil {
		t.Fatal(err)
	}
	for _, name := range []*string{nil, aws.String("alice")} {
		out, err := w.iam(w.aliceCreds()).ListAccessKeys(t.Context(), &iam.ListAccessKeysInput{UserName: name})
		if err != nil {
			t.Fatalf("ListAccessKeys(%v): %v", aws.ToString(name), err)
		}
		if out.IsTruncated || len(out.AccessKeyMetadata) != 2 {
			t.Fatalf("ListAccessKeys(%v) = truncated %v, %+v", aws.ToString(name), out.IsTruncated, out.AccessKeyMetadata)
		}
		for i, want := range []struct {
			id     string
			status types.StatusType
		}{{w.key.ID, types.StatusTypeActive}, {second.ID, types.StatusTypeInactive}} {
			m := out.AccessKeyMetadata[i]
			if aws.ToString(m.AccessKeyId) != want.id || m.Status != want.status || aws.ToString(m.UserName) != "alice" {
				t.Errorf("key %d: %+v, want %s %s of alice", i, m, want.id, want.status)
			}
			if m.CreateDate == nil || !near(*m.CreateDate, w.clock.Now()) {
				t.Errorf("key %d: CreateDate %v", i, m.CreateDate)
			}
		}
	}
	// Bob sees his own key only; a user with no key gets an empty list.
	ids, err := w.listKeyIDs(t, w.bobCreds(), "")
	if err != nil || !slices.Equal(ids, []string{w.bobKey.ID}) {
		t.Errorf("bob's keys %v %v", ids, err)
	}
	w.srv.AddUser(userAccount, "dave") // no key
	carol := w.srv.AddUser(userAccount, "carol")
	carol.SetIAMAdmin(true)
	carolKey := carol.AddAccessKey()
	out, err := w.iam(stsCreds{carolKey.ID, carolKey.Secret, ""}).ListAccessKeys(t.Context(), &iam.ListAccessKeysInput{UserName: aws.String("dave")})
	if err != nil || len(out.AccessKeyMetadata) != 0 || out.IsTruncated {
		t.Errorf("keys of a user without any: %+v %v", out, err)
	}
	// MaxItems is checked.
	_, err = w.iam(w.aliceCreds()).ListAccessKeys(t.Context(), &iam.ListAccessKeysInput{MaxItems: aws.Int32(0)})
	wantAPIError(t, err, "ValidationError", http.StatusBadRequest,
		"1 validation error detected: Value '0' at 'maxItems' failed to satisfy constraint: Member must have value greater than or equal to 1")
}

// MaxItems pages the list: a truncated page carries the Marker the next
// request sends, as the SDK's paginator expects; a marker the server never
// made is a ValidationError.
func TestIAMListAccessKeysPages(t *testing.T) {
	w := newWorld(t)
	second := w.alice.AddAccessKey()
	client := w.iam(w.aliceCreds())
	first, err := client.ListAccessKeys(t.Context(), &iam.ListAccessKeysInput{MaxItems: aws.Int32(1)})
	if err != nil {
		t.Fatal(err)
	}
	if !first.IsTruncated || aws.ToString(first.Marker) == "" || len(first.AccessKeyMetadata) != 1 ||
		aws.ToString(first.AccessKeyMetadata[0].AccessKeyId) != w.key.ID {
		t.Fatalf("first page: truncated %v, marker %q, %+v", first.IsTruncated, aws.ToString(first.Marker), first.AccessKeyMetadata)
	}
	var ids []string
	pages := iam.NewListAccessKeysPaginator(client, &iam.ListAccessKeysInput{}, func(o *iam.ListAccessKeysPaginatorOptions) { o.Limit = 1 })
	for n := 0; pages.HasMorePages(); n++ {
		if n > 3 {
			t.Fatal("the pages do not end")
		}
		page, err := pages.NextPage(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range page.AccessKeyMetadata {
			ids = append(ids, aws.ToString(m.AccessKeyId))
		}
	}
	if !slices.Equal(ids, []string{w.key.ID, second.ID}) {
		t.Errorf("paged through %v, want %v", ids, []string{w.key.ID, second.ID})
	}
	// The last page is not truncated and has no marker.
	last, err := client.ListAccessKeys(t.Context(), &iam.ListAccessKeysInput{MaxItems: aws.Int32(1), Marker: first.Marker})
	if err != nil || last.IsTruncated || last.Marker != nil || len(last.AccessKeyMetadata) != 1 {
		t.Fatalf("last page: %+v %v", last, err)
	}
	_, err = client.ListAccessKeys(t.Context(), &iam.ListAccessKeysInput{Marker: aws.String("not-a-marker")})
	wantAPIError(t, err, "ValidationError", http.StatusBadRequest, "Invalid Marker.")
}

func TestIAMCreateAccessKey(t *testing.T) {
	w := newWorld(t)
	before := w.clock.Now()
	out, err := w.iam(w.aliceCreds()).CreateAccessKey(t.Context(), &iam.CreateAccessKeyInput{})
	if err != nil {
		t.Fatalf("CreateAccessKey: %v", err)
	}
	k := out.AccessKey
	id, secret := aws.ToString(k.AccessKeyId), aws.ToString(k.SecretAccessKey)
	if !akiaPattern.MatchString(id) || !secretPattern.MatchString(secret) || k.Status != types.StatusTypeActive ||
		aws.ToString(k.UserName) != "alice" || k.CreateDate == nil || !near(*k.CreateDate, before) {
		t.Fatalf("CreateAccessKey = %+v", k)
	}
	// The server knows the key and its secret, and the key works at once
	// (no propagation delay by default), for STS and IAM.
	if got, ok := w.srv.AccessKey(id); !ok || got != (ststest.AccessKey{ID: id, Secret: secret}) {
		t.Errorf("AccessKey(%s) = %+v %v", id, got, ok)
	}
	newKey := stsCreds{id, secret, ""}
	if arn, err := w.stsCallerARN(t, newKey); err != nil || arn != w.alice.ARN() {
		t.Errorf("STS with the new key: %q %v", arn, err)
	}
	ids, err := w.listKeyIDs(t, newKey, "")
	if err != nil || !slices.Equal(ids, []string{w.key.ID, id}) {
		t.Errorf("keys listed with the new key: %v %v", ids, err)
	}
	infos := w.alice.AccessKeys()
	if len(infos) != 2 || infos[1].ID != id || infos[1].Status != "Active" || !near(infos[1].Created, *k.CreateDate) {
		t.Errorf("AccessKeys() = %+v", infos)
	}

	// Two keys is the quota, whoever asks and however.
	for _, c := range []stsCreds{w.aliceCreds(), newKey, w.mfaSession(t)} {
		_, err = w.iam(c).CreateAccessKey(t.Context(), &iam.CreateAccessKeyInput{UserName: aws.String("alice")})
		wantAPIError(t, err, "LimitExceeded", http.StatusConflict, msgKeyQuota)
	}
	var le *types.LimitExceededException
	if !errors.As(err, &le) {
		t.Errorf("the SDK did not map LimitExceeded to its type: %T", err)
	}
	if n := len(w.alice.AccessKeys()); n != 2 {
		t.Errorf("alice has %d keys after refused creations", n)
	}
	// Deleting one makes room again.
	if _, err := w.iam(newKey).DeleteAccessKey(t.Context(), &iam.DeleteAccessKeyInput{AccessKeyId: aws.String(w.key.ID)}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.iam(newKey).CreateAccessKey(t.Context(), &iam.CreateAccessKeyInput{}); err != nil {
		t.Errorf("CreateAccessKey after a deletion: %v", err)
	}
	if _, ok := w.srv.AccessKey(w.key.ID); ok {
		t.Error("AccessKey finds a deleted key")
	}
}

func TestIAMUpdateAccessKey(t *testing.T) {
	w := newWorld(t)
	second := w.alice.AddAccessKey()
	secondCreds := stsCreds{second.ID, second.Secret, ""}
	set := func(c stsCreds, id, status string) error {
		_, err := w.iam(c).UpdateAccessKey(t.Context(), &iam.UpdateAccessKeyInput{AccessKeyId: aws.String(id), Status: types.StatusType(status)})
		return err
	}
	if err := set(w.aliceCreds(), second.ID, "Inactive"); err != nil {
		t.Fatalf("UpdateAccessKey Inactive: %v", err)
	}
	if got := w.alice.AccessKeys(); len(got) != 2 || got[1].Status != "Inactive" || got[0].Status != "Active" {
		t.Errorf("AccessKeys() after deactivation: %+v", got)
	}
	// An inactive key is refused by STS and by IAM.
	_, err := w.stsCallerARN(t, secondCreds)
	wantAPIError(t, err, "InvalidClientTokenId", http.StatusForbidden, msgInvalidToken)
	_, err = w.listKeyIDs(t, secondCreds, "")
	wantAPIError(t, err, "InvalidClientTokenId", http.StatusForbidden, msgIAMInvalidToken)
	// Active again, it works again.
	if err := set(w.aliceCreds(), second.ID, "Active"); err != nil {
		t.Fatalf("UpdateAccessKey Active: %v", err)
	}
	if _, err := w.stsCallerARN(t, secondCreds); err != nil {
		t.Errorf("reactivated key: %v", err)
	}
	// A user may deactivate the key it signs with; the next call fails.
	if err := set(secondCreds, second.ID, "Inactive"); err != nil {
		t.Fatal(err)
	}
	_, err = w.listKeyIDs(t, secondCreds, "")
	wantAPIError(t, err, "InvalidClientTokenId", http.StatusForbidden, msgIAMInvalidToken)

	// Errors: bad status, missing parameters, unknown or foreign key.
	for _, status := range []string{"Expired", "active"} {
		wantAPIError(t, set(w.aliceCreds(), second.ID, status), "ValidationError", http.StatusBadRequest,
			"1 validation error detected: Value '"+status+"' at 'status' failed to satisfy constraint: Member must satisfy enum value set: [Active, Inactive]")
	}
	wantAPIError(t, set(w.aliceCreds(), "AKIA0000", "Active"), "ValidationError", http.StatusBadRequest,
		"1 validation error detected: Value 'AKIA0000' at 'accessKeyId' failed to satisfy constraint: Member must have length greater than or equal to 16")
	wantAPIError(t, set(w.aliceCreds(), "AKIAUNKNOWNKEY000000", "Active"), "NoSuchEntity", http.StatusNotFound,
		"The Access Key with id AKIAUNKNOWNKEY000000 cannot be found.")
	// Bob's key is not alice's: not found for her, named or not.
	wantAPIError(t, set(w.aliceCreds(), w.bobKey.ID, "Inactive"), "NoSuchEntity", http.StatusNotFound,
		"The Access Key with id "+w.bobKey.ID+" cannot be found.")
	var nse *types.NoSuchEntityException
	if err := set(w.aliceCreds(), w.bobKey.ID, "Inactive"); !errors.As(err, &nse) {
		t.Errorf("the SDK did not map NoSuchEntity to its type: %T", err)
	}
	if got := w.bob.AccessKeys(); got[0].Status != "Active" {
		t.Errorf("bob's key changed: %+v", got)
	}
}

func TestIAMDeleteAccessKey(t *testing.T) {
	w := newWorld(t)
	second := w.alice.AddAccessKey()
	secondCreds := stsCreds{second.ID, second.Secret, ""}
	del := func(c stsCreds, id string, user *string) error {
		_, err := w.iam(c).DeleteAccessKey(t.Context(), &iam.DeleteAccessKeyInput{AccessKeyId: aws.String(id), UserName: user})
		return err
	}
	if err := del(secondCreds, w.key.ID, aws.String("alice")); err != nil {
		t.Fatalf("DeleteAccessKey: %v", err)
	}
	// The deleted key is refused by STS and IAM, and gone from the lists.
	_, err := w.stsCallerARN(t, w.aliceCreds())
	wantAPIError(t, err, "InvalidClientTokenId", http.StatusForbidden, msgInvalidToken)
	_, err = w.listKeyIDs(t, w.aliceCreds(), "")
	wantAPIError(t, err, "InvalidClientTokenId", http.StatusForbidden, msgIAMInvalidToken)
	ids, err := w.listKeyIDs(t, secondCreds, "")
	if err != nil || !slices.Equal(ids, []string{second.ID}) {
		t.Errorf("keys after deletion: %v %v", ids, err)
	}
	if got := w.alice.AccessKeys(); len(got) != 1 || got[0].ID != second.ID {
		t.Errorf("AccessKeys() after deletion: %+v", got)
	}
	// Deleting it again, or bob's key, is NoSuchEntity.
	wantAPIError(t, del(secondCreds, w.key.ID, nil), "NoSuchEntity", http.StatusNotFound, "The Access Key with id "+w.key.ID+" cannot be found.")
	wantAPIError(t, del(secondCreds, w.bobKey.ID, nil), "NoSuchEntity", http.StatusNotFound, "The Access Key with id "+w.bobKey.ID+" cannot be found.")
	wantAPIError(t, del(secondCreds, "", nil), "ValidationError", http.StatusBadRequest, "")
	// A user may delete the key it signs with.
	if err := del(secondCreds, second.ID, nil); err != nil {
		t.Fatalf("deleting the signing key: %v", err)
	}
	if got := w.alice.AccessKeys(); len(got) != 0 {
		t.Errorf("AccessKeys() = %+v, want none", got)
	}
}

// TestIAMDocuments checks the raw XML: namespace, result elements, request
// id, and that UpdateAccessKey and DeleteAccessKey answer with metadata only.
func TestIAMDocuments(t *testing.T) {
	w := newWorld(t)
	creds := awsCreds(w.aliceCreds())
	post := func(body string) (*http.Response, string) {
		return do(t, signedFor(t, w.url, body, "iam", iamRegion, creds, time.Now()))
	}
	type result struct {
		XMLName xml.Name
		Inner   string `xml:",innerxml"`
	}
	type doc struct {
		XMLName  xml.Name
		Results  []result `xml:",any"`
		Metadata string   `xml:"ResponseMetadata>RequestId"`
	}
	const ns = "https://iam.amazonaws.com/doc/2010-05-08/"
	for _, tc := range []struct {
		body, action string
		result       []string // elements the result must contain
	}{
		{"Action=GetUser&Version=2010-05-08", "GetUser", []string{"<User><Path>/</Path><UserName>alice</UserName><UserId>" + w.alice.ID() + "</UserId><Arn>" + w.alice.ARN() + "</Arn><CreateDate>"}},
		{"Action=ListAccessKeys&Version=2010-05-08", "ListAccessKeys", []string{"<AccessKeyMetadata><member><UserName>alice</UserName><AccessKeyId>" + w.key.ID + "</AccessKeyId><Status>Active</Status><CreateDate>", "<IsTruncated>false</IsTruncated>"}},
		{"Action=CreateAccessKey&Version=2010-05-08", "CreateAccessKey", []string{"<AccessKey><UserName>alice</UserName><AccessKeyId>AKIA", "<Status>Active</Status><SecretAccessKey>"}},
		{"Action=UpdateAccessKey&Version=2010-05-08&AccessKeyId=" + w.key.ID + "&Status=Active", "UpdateAccessKey", nil},
	} {
		resp, body := post(tc.body)
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "text/xml" || resp.Header.Get("X-Amzn-Requestid") == "" {
			t.Fatalf("%s: %d %v\n%s", tc.action, resp.StatusCode, resp.Header, body)
		}
		var d doc
		if err := xml.Unmarshal([]byte(body), &d); err != nil {
			t.Fatalf("%s: %v\n%s", tc.action, err, body)
		}
		if d.XMLName != (xml.Name{Space: ns, Local: tc.action + "Response"}) || d.Metadata != resp.Header.Get("X-Amzn-Requestid") {
			t.Errorf("%s: document %v, request id %q\n%s", tc.action, d.XMLName, d.Metadata, body)
		}
		var results []result
		for _, r := range d.Results {
			if r.XMLName.Local != "ResponseMetadata" {
				results = append(results, r)
			}
		}
		if tc.result == nil {
			if len(results) != 0 {
				t.Errorf("%s: unexpected result elements %+v", tc.action, results)
			}
			continue
		}
		if len(results) != 1 || results[0].XMLName.Local != tc.action+"Result" {
			t.Fatalf("%s: result elements %+v", tc.action, results)
		}
		for _, want := range tc.result {
			if !strings.Contains(results[0].Inner, want) {
				t.Errorf("%s: result lacks %q:\n%s", tc.action, want, results[0].Inner)
			}
		}
	}
	// Errors are IAM error documents.
	resp, body := post("Action=DeleteAccessKey&Version=2010-05-08&AccessKeyId=AKIAUNKNOWNKEY000000")
	if e := parseIAMError(t, body); resp.StatusCode != http.StatusNotFound || e.Code != "NoSuchEntity" || e.Type != "Sender" ||
		e.Message != "The Access Key with id AKIAUNKNOWNKEY000000 cannot be found." || e.ReqID != resp.Header.Get("X-Amzn-Requestid") {
		t.Errorf("error document %d %+v", resp.StatusCode, e)
	}
}

// TestIAMConcurrentCreate: racing CreateAccessKey calls respect the quota.
func TestIAMConcurrentCreate(t *testing.T) {
	w := newWorld(t)
	const n = 12
	errs := make(chan error, n)
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			_, err := w.iam(w.aliceCreds()).CreateAccessKey(t.Context(), &iam.CreateAccessKeyInput{})
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	ok, limited := 0, 0
	for err := range errs {
		var le *types.LimitExceededException
		switch {
		case err == nil:
			ok++
		case errors.As(err, &le):
			limited++
		default:
			t.Errorf("CreateAccessKey: %v", err)
		}
	}
	if ok != 1 || limited != n-1 || len(w.alice.AccessKeys()) != 2 {
		t.Errorf("%d created, %d refused, keys %+v", ok, limited, w.alice.AccessKeys())
	}
	if w.srv.Calls("CreateAccessKey") != n || w.srv.Successes("CreateAccessKey") != 1 {
		t.Errorf("counts %d/%d", w.srv.Calls("CreateAccessKey"), w.srv.Successes("CreateAccessKey"))
	}
}
