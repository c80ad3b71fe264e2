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
	cur := totpStep(now)
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

// Code returns the TOTP code of the MFA device serial for time t, as an
// authenticator app would show it. It panics if the server has no such
// device.
func (s *Server) Code(serial string, t time.Time) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	code, err := s.codeAt(serial, totpStep(t))
	if err != nil {
		panic(err.Error())
	}
	return code
}

// UnusedCode returns a code the device would accept now: the current step's
// code, or the next step's when the current one was already used. It
// returns "" when both were used (wait for the next step). It panics if the
// server has no such device.
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
	cur := totpStep(s.now())
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
