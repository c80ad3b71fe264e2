package main

import (
	"bytes"
	"crypto/sha256"
	"debug/buildinfo"
	"encoding/hex"
	"fmt"
	"os"
	"runtime/debug"
	"strings"

	cdx "github.com/CycloneDX/cyclonedx-go"
)

// sbomFile is the name of the SBOM of t's binary.
func (r *release) sbomFile(t target) string { return r.archiveBase(t) + ".cdx.json" }

// sbom writes the CycloneDX SBOM of t's binary.
func (r *release) sbom(t target) error {
	bin, err := os.ReadFile(r.bins[t])
	if err != nil {
		return err
	}
	bi, err := buildinfo.Read(bytes.NewReader(bin))
	if err != nil {
		return fmt.Errorf("the build info of the %s binary: %w", t, err)
	}
	data, err := sbomJSON(bi, bin, r.rev)
	if err != nil {
		return err
	}
	return r.write(r.sbomFile(t), data)
}

// purl is a Go module's package URL: pkg:golang/PATH@VERSION?type=module
// (a + in a version, +incompatible, escaped).
func purl(path, version string) string {
	return "pkg:golang/" + path + "@" + strings.ReplaceAll(version, "+", "%2B") + "?type=module"
}

// sbomJSON is the CycloneDX (1.6) SBOM of a binary: the binary itself as
// the main module at the release's version (built without VCS stamping,
// Go records it as (devel)), with its SHA-256, platform and build
// settings; and exactly the modules Go recorded in it (go version -m),
// each with its go.sum hash. Every time in it is the commit's, its serial
// number is derived from the binary: the same binary, the same SBOM.
func sbomJSON(bi *debug.BuildInfo, bin []byte, rev revision) ([]byte, error) {
	sum := sha256.Sum256(bin)
	goos, goarch := "", ""
	var settings []cdx.Property
	for _, s := range bi.Settings {
		switch s.Key {
		case "GOOS":
			goos = s.Value
		case "GOARCH":
			goarch = s.Value
		}
		settings = append(settings, cdx.Property{Name: "go:build:" + s.Key, Value: s.Value})
	}
	mainProps := append([]cdx.Property{
		{Name: "go:package", Value: bi.Path},
		{Name: "go:version", Value: bi.GoVersion},
		{Name: "vcs:commit", Value: rev.Commit},
	}, settings...)
	mainRef := purl(bi.Main.Path, rev.Tag)
	main := cdx.Component{
		BOMRef:      mainRef,
		Type:        cdx.ComponentTypeApplication,
		Name:        bi.Main.Path,
		Version:     rev.Tag,
		Description: "stscred " + rev.Tag + " for " + goos + "/" + goarch + " (commit " + rev.Commit + ")",
		PackageURL:  mainRef,
		Hashes:      &[]cdx.Hash{{Algorithm: cdx.HashAlgoSHA256, Value: hex.EncodeToString(sum[:])}},
		Licenses:    &cdx.Licenses{{License: &cdx.License{ID: "MIT"}}},
		ExternalReferences: &[]cdx.ExternalReference{
			{Type: cdx.ERTypeVCS, URL: homepage},
		},
		Properties: &mainProps,
	}
	var comps []cdx.Component
	var refs []string
	for _, d := range bi.Deps {
		used := d
		if d.Replace != nil {
			used = d.Replace
		}
		ref := purl(used.Path, used.Version)
		c := cdx.Component{
			BOMRef:     ref,
			Type:       cdx.ComponentTypeLibrary,
			Name:       used.Path,
			Version:    used.Version,
			PackageURL: ref,
		}
		var props []cdx.Property
		if used.Sum != "" {
			props = append(props, cdx.Property{Name: "go:sum", Value: used.Sum})
		}
		if d.Replace != nil {
			props = append(props, cdx.Property{Name: "go:replaces", Value: d.Path + "@" + d.Version})
		}
		if len(props) > 0 {
			c.Properties = &props
		}
		comps = append(comps, c)
		refs = append(refs, ref)
	}
	bom := cdx.NewBOM()
	bom.SerialNumber = "urn:uuid:" + uuidFrom(sum)
	bom.Metadata = &cdx.Metadata{
		Timestamp: rev.Date().Format("2006-01-02T15:04:05Z"),
		Tools: &cdx.ToolsChoice{Components: &[]cdx.Component{
			{Type: cdx.ComponentTypeApplication, Name: "go", Version: bi.GoVersion, Description: "the Go toolchain that built the binary and recorded its modules"},
			{Type: cdx.ComponentTypeApplication, Name: "stscred release.sh", Version: rev.Tag, Description: "internal/release of " + homepage},
		}},
		Component: &main,
	}
	bom.Components = &comps
	bom.Dependencies = &[]cdx.Dependency{{Ref: mainRef, Dependencies: &refs}}
	var b bytes.Buffer
	enc := cdx.NewBOMEncoder(&b, cdx.BOMFileFormatJSON)
	enc.SetPretty(true).SetEscapeHTML(false)
	if err := enc.EncodeVersion(bom, cdx.SpecVersion1_6); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// uuidFrom is a UUID made of the first 16 bytes of a SHA-256 (version 8,
// RFC 9562's custom version, and the RFC variant).
func uuidFrom(sum [32]byte) string {
	u := sum[:16]
	u[6] = u[6]&0x0f | 0x80
	u[8] = u[8]&0x3f | 0x80
	h := hex.EncodeToString(u)
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}
