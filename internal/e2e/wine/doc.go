// Package wine runs stscred's Windows build under Wine (Debian's wine64,
// Wine 8) on Linux: the Windows test binaries of every package, and an
// end-to-end suite that drives stscred.exe against the STS test server,
// which runs natively on loopback. They build only with the tag
// realworld, as test.sh runs them; package internal/testkit/wine boots
// the private Wine prefix they share.
package wine
