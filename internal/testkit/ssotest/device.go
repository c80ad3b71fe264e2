package ssotest

import (
	"net/url"
	"slices"
	"time"
)

// slowDownStep is what RFC 8628 section 3.5 has a client add to its
// polling interval after each slow_down; the server then holds it to the
// longer interval.
const slowDownStep = 5 * time.Second

// Device authorization states.
const (
	DevicePending   = "pending"   // waiting for the user
	DeviceApproved  = "approved"  // the user allowed it; the next poll gets the tokens
	DeviceDenied    = "denied"    // the user refused it: AccessDeniedException
	DeviceExchanged = "exchanged" // tokens were issued; the device code is spent
)

// DeviceAuthorization is a StartDeviceAuthorization and what became of it.
type DeviceAuthorization struct {
	DeviceCode string    `json:"-"` // a secret, kept for tests
	UserCode   string    `json:"userCode"`
	ClientID   string    `json:"clientId"`
	StartURL   string    `json:"startUrl"`
	Issued     time.Time `json:"issued"`
	Expires    time.Time `json:"expires"`
	// State is DevicePending, DeviceApproved, DeviceDenied or
	// DeviceExchanged; Expired tells whether Expires has passed.
	State   string `json:"state"`
	Expired bool   `json:"expired"`
	// User is who approved or denied it, "" while pending.
	User string `json:"user,omitempty"`
	// Interval is the polling interval the server holds the client to now:
	// the one it announced plus 5 seconds per SlowDownException.
	Interval time.Duration `json:"interval"`
	// Polls counts the CreateToken calls for the device code; SlowDowns
	// how many of them got SlowDownException.
	Polls     int `json:"polls"`
	SlowDowns int `json:"slowDowns"`
}

type deviceRecord struct {
	DeviceAuthorization
	client   *clientRecord
	user     *userRecord
	lastPoll time.Time
	seq      int
}

type startDeviceAuthorizationRequest struct {
	ClientID     string `json:"clientId"`
	ClientSecret string `json:"clientSecret"`
	StartURL     string `json:"startUrl"`
}

type startDeviceAuthorizationResponse struct {
	DeviceCode              string `json:"deviceCode"`
	UserCode                string `json:"userCode"`
	VerificationURI         string `json:"verificationUri"`
	VerificationURIComplete string `json:"verificationUriComplete"`
	ExpiresIn               int64  `json:"expiresIn"`
	Interval                int64  `json:"interval"`
}

func (s *Server) startDeviceAuthorization(c *call) (any, *apiError) {
	var req startDeviceAuthorizationRequest
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	if req.ClientID == "" || req.ClientSecret == "" || req.StartURL == "" {
		return nil, newError(InvalidRequestException, "clientId, clientSecret and startUrl are required")
	}
	cl, aerr := s.authenticateClient(req.ClientID, req.ClientSecret, c.now)
	if aerr != nil {
		return nil, aerr
	}
	if !cl.allows(GrantDeviceCode) {
		return nil, newError(UnauthorizedClientException, "%s", msgUnauthClient)
	}
	if u, err := url.Parse(req.StartURL); err != nil || u.Scheme != "https" || u.Host == "" ||
		(s.opts.StartURL != "" && trimSlash(req.StartURL) != trimSlash(s.opts.StartURL)) {
		return nil, newError(InvalidRequestException, "Invalid start URL: %s", req.StartURL)
	}
	d := &deviceRecord{DeviceAuthorization: DeviceAuthorization{
		DeviceCode: newJWTLike("device-code", 200),
		UserCode:   s.uniqueUserCode(),
		ClientID:   cl.ID,
		StartURL:   req.StartURL,
		Issued:     c.now,
		Expires:    c.now.Add(s.opts.DeviceCodeLifetime),
		State:      DevicePending,
		Interval:   s.opts.PollInterval,
	}, client: cl, seq: s.nextSeq()}
	s.devices[d.DeviceCode] = d
	s.userCodes[d.UserCode] = d
	s.notify()
	verify := baseURL(c.r) + "/device"
	return startDeviceAuthorizationResponse{
		DeviceCode:              d.DeviceCode,
		UserCode:                d.UserCode,
		VerificationURI:         verify,
		VerificationURIComplete: verify + "?user_code=" + url.QueryEscape(d.UserCode),
		ExpiresIn:               int64(s.opts.DeviceCodeLifetime / time.Second),
		Interval:                int64(max(s.opts.PollInterval/time.Second, 1)),
	}, nil
}

// uniqueUserCode returns a user code no device authorization has. Callers
// hold s.mu.
func (s *Server) uniqueUserCode() string {
	for {
		if c := newUserCode(); s.userCodes[c] == nil {
			return c
		}
	}
}

// deviceGrant is CreateToken with the device_code grant: the client polls
// until the user decides. Callers hold s.mu.
func (s *Server) deviceGrant(c *call, cl *clientRecord, deviceCode string) (any, *apiError) {
	if deviceCode == "" {
		return nil, newError(InvalidRequestException, "deviceCode is required for the device_code grant")
	}
	d := s.devices[deviceCode]
	if d == nil || d.client != cl {
		return nil, newError(InvalidGrantException, "Invalid device code provided")
	}
	if !c.now.Before(d.Expires) {
		return nil, newError(ExpiredTokenException, "%s", msgDeviceExpired)
	}
	// The first two polls may come back to back: the AWS CLI and botocore
	// try once before showing the code, then poll again at once. After
	// that each poll must wait the interval, which grows by 5 seconds with
	// every slow_down (RFC 8628 section 3.5).
	early := d.Polls >= 2 && c.now.Sub(d.lastPoll) < d.Interval
	d.Polls++
	d.lastPoll = c.now
	if early {
		d.SlowDowns++
		d.Interval += slowDownStep
		return nil, newError(SlowDownException, "%s", msgSlowDown)
	}
	switch d.State {
	case DevicePending:
		return nil, newError(AuthorizationPendingException, "%s", msgPending)
	case DeviceDenied:
		return nil, newError(AccessDeniedException, "%s", msgAccessDenied)
	case DeviceExchanged:
		return nil, newError(InvalidGrantException, "%s", msgInvalidGrant)
	}
	d.State = DeviceExchanged
	resp, _ := s.signIn(cl, d.user, GrantDeviceCode, c.now)
	return resp, nil
}

// decideDevice records the user's decision on a user code. Callers hold
// s.mu.
func (s *Server) decideDevice(userCode string, approve bool, user *userRecord, now time.Time) error {
	d := s.userCodes[userCode]
	switch {
	case d == nil:
		return errorf("no device authorization with user code %q", userCode)
	case !now.Before(d.Expires):
		return errorf("the device authorization with user code %s has expired", userCode)
	case d.State != DevicePending:
		return errorf("the device authorization with user code %s is already %s", userCode, d.State)
	case user == nil:
		return errorf("no user to sign in as: add one with AddUser")
	}
	d.user, d.User = user, user.Name
	d.State = DeviceDenied
	if approve {
		d.State = DeviceApproved
	}
	return nil
}

// ApproveDevice plays the user who opens the verification page, signs in
// as the browser's user (see SetBrowser) and allows the request with this
// user code: the client's next poll gets its tokens.
func (s *Server) ApproveDevice(userCode string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.decideDevice(userCode, true, s.browserUser(), s.now()); err != nil {
		return errorf("approve device: %v", err)
	}
	return nil
}

// DenyDevice plays the user refusing the request with this user code: the
// client's polls get AccessDeniedException.
func (s *Server) DenyDevice(userCode string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.decideDevice(userCode, false, s.browserUser(), s.now()); err != nil {
		return errorf("deny device: %v", err)
	}
	return nil
}

// Devices returns every device authorization, oldest first.
func (s *Server) Devices() []DeviceAuthorization {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	out := []DeviceAuthorization{}
	for _, d := range sortedBySeq(s.devices, func(d *deviceRecord) int { return d.seq }) {
		v := d.DeviceAuthorization
		v.Expired = !now.Before(v.Expires)
		out = append(out, v)
	}
	return out
}

// PendingUserCodes lists the user codes still waiting for the user, oldest
// first: what a test playing the user reads before ApproveDevice.
func (s *Server) PendingUserCodes() []string {
	var out []string
	for _, d := range s.Devices() {
		if d.State == DevicePending && !d.Expired {
			out = append(out, d.UserCode)
		}
	}
	return slices.Clip(out)
}
