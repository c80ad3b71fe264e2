package ststest

import (
	"crypto/subtle"
	"fmt"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/hotp"
)

// totpPeriod is the TOTP step; the server accepts the codes of the current
// step and of one step either side.
const totpPeriod = 30

func totpStep(t time.Time) int64 { return t.Unix() / totpPeriod }

func totpCode(secret string, step int64) (string, error) {
	code, err := hotp.GenerateCodeCustom(secret, uint64(step), hotp.ValidateOpts{
		Digits:    otp.DigitsSix,
		Algorithm: otp.AlgorithmSHA1,
	})
	if err != nil {
		return "", fmt.Errorf("generating TOTP code: %w", err)
	}
	return code, nil
}

// mfaAcceptance is a checked code, recorded by commit once the whole call
// succeeds, so a failed call does not use up the code.
type mfaAcceptance struct {
	dev  *deviceRecord
	step int64
	code string
}

func (a *mfaAcceptance) commit() {
	if a == nil {
		return
	}
	a.dev.used = true
	a.dev.lastStep = a.step
	a.dev.accepted = append(a.dev.accepted, a.code)
}

// checkMFA checks SerialNumber and TokenCode for user (nil when the caller is
// a role session, which has no MFA device). Callers hold s.mu.
func (s *Server) checkMFA(user *userRecord, serial, code string, now time.Time) (*mfaAcceptance, *apiError) {
	dev, ok := s.devices[serial]
	if !ok || user == nil || dev.user != user {
		return nil, newError(codeAccessDenied, msgMFASerial)
	}
	if code == "" {
		return nil, newError(codeAccessDenied, msgMFACode)
	}
	cur := totpStep(dev.clock(now))
	for step := cur - 1; step <= cur+1; step++ {
		want, err := totpCode(dev.secret, step)
		if err != nil {
			return nil, newError(codeInternalFailure, "%s", msgInternal)
		}
		if subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 && (!dev.used || step > dev.lastStep) {
			return &mfaAcceptance{dev: dev, step: step, code: code}, nil
		}
	}
	return nil, newError(codeAccessDenied, msgMFACode)
}

// clock is the time the device shows when the server clock shows now.
func (d *deviceRecord) clock(now time.Time) time.Time { return now.Add(d.ahead) }

// Code returns the TOTP code of the MFA device serial for time t, as an
// authenticator app would show it: t is by the server clock, and a device
// whose clock AdvanceMFAClock moved shows the code of that much later. It
// panics if the server has no such device.
func (s *Server) Code(serial string, t time.Time) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	code, err := s.deviceCode(serial, t)
	if err != nil {
		panic(err.Error())
	}
	return code
}

// deviceCode is the code device serial shows at server time t. Callers
// hold s.mu.
func (s *Server) deviceCode(serial string, t time.Time) (string, error) {
	dev, ok := s.devices[serial]
	if !ok {
		return "", fmt.Errorf("ststest: no MFA device %s", serial)
	}
	return s.codeAt(serial, totpStep(dev.clock(t)))
}

// AdvanceMFAClock moves the clock of the MFA device serial forward by d,
// and nothing else: the codes it shows (Code, UnusedCode) and the TOTP
// steps the server accepts from it (the current one, one either side) are
// those of its clock, while signature ages, expirations and every other
// device stay on the server clock. A test thus gets the next code without
// waiting for the next 30-second step, and a client that signs its
// requests with the wall clock (a separate process) is still in time. It
// panics if the server has no such device, or if d is negative.
func (s *Server) AdvanceMFAClock(serial string, d time.Duration) {
	if d < 0 {
		panic(fmt.Sprintf("ststest: AdvanceMFAClock %s: negative duration %v", serial, d))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	dev, ok := s.devices[serial]
	if !ok {
		panic(fmt.Sprintf("ststest: no MFA device %s", serial))
	}
	dev.ahead += d
}

// FreshCode returns a code the MFA device serial has not had accepted and
// the server accepts now, without waiting: UnusedCode's, and when the
// codes of the current and the next step were both used, the current code
// after moving the device's clock (AdvanceMFAClock) to the start of the
// step after them, as if the user had waited for their authenticator's
// next code. The server still takes each code once, within a step either
// side of the device's clock. It panics if the server has no such device.
func (s *Server) FreshCode(serial string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	code, err := s.unusedCode(serial)
	if err != nil {
		panic(err.Error())
	}
	if code != "" {
		return code
	}
	dev := s.devices[serial]
	now := dev.clock(s.now())
	dev.ahead += time.Unix((dev.lastStep+1)*totpPeriod, 0).Sub(now)
	code, err = s.unusedCode(serial)
	if err != nil || code == "" {
		panic(fmt.Sprintf("ststest: MFA device %s: no fresh code after moving its clock (%v)", serial, err))
	}
	return code
}

// UnusedCode returns a code the device would accept now: the current step's
// code, or the next step's when the current one was already used. It
// returns "" when both were used (wait for the next step, or see
// FreshCode). It panics if the server has no such device.
func (s *Server) UnusedCode(serial string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	code, err := s.unusedCode(serial)
	if err != nil {
		panic(err.Error())
	}
	return code
}

func (s *Server) unusedCode(serial string) (string, error) {
	dev, ok := s.devices[serial]
	if !ok {
		return "", fmt.Errorf("ststest: no MFA device %s", serial)
	}
	cur := totpStep(dev.clock(s.now()))
	step := cur
	if dev.used && dev.lastStep >= step {
		step = dev.lastStep + 1
	}
	if step > cur+1 {
		return "", nil
	}
	return s.codeAt(serial, step)
}

// codeAt returns the code of serial for a step. Callers hold s.mu.
func (s *Server) codeAt(serial string, step int64) (string, error) {
	dev, ok := s.devices[serial]
	if !ok {
		return "", fmt.Errorf("ststest: no MFA device %s", serial)
	}
	code, err := totpCode(dev.secret, step)
	if err != nil {
		return "", fmt.Errorf("ststest: MFA device %s: %w", serial, err)
	}
	return code, nil
}

// AcceptedCodes returns the codes the MFA device serial has accepted since
// the server started or counts were last reset, oldest first.
func (s *Server) AcceptedCodes(serial string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if dev, ok := s.devices[serial]; ok {
		return append([]string(nil), dev.accepted...)
	}
	return nil
}
