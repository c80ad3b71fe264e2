package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"text/template"
)

// digest is the SHA-256 of an artifact already in out, in hex.
func (r *release) digest(name string) (string, error) {
	data, err := os.ReadFile(filepath.Join(r.out, name))
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:]), nil
}

// download is an archive of the formula or the manifest.
type download struct{ URL, SHA256, Dir string }

func (r *release) download(t target) (download, error) {
	sum, err := r.digest(r.archiveFile(t))
	return download{URL: r.baseURL + "/" + r.archiveFile(t), SHA256: sum, Dir: r.archiveBase(t)}, err
}

// formulaTemplate is the Homebrew formula: the archive of the machine's
// platform, its binary, completions and man page. Homebrew enters the
// archive's one top directory before install runs.
var formulaTemplate = template.Must(template.New("stscred.rb").Parse(`# Homebrew formula for stscred {{.Tag}}, made by release.sh; not edited by hand.
class Stscred < Formula
  desc "{{.Desc}}"
  homepage "{{.Homepage}}"
  version "{{.Version}}"
  license "MIT"

  on_macos do
    on_arm do
      url "{{.DarwinArm64.URL}}"
      sha256 "{{.DarwinArm64.SHA256}}"
    end
    on_intel do
      url "{{.DarwinAmd64.URL}}"
      sha256 "{{.DarwinAmd64.SHA256}}"
    end
  end

  on_linux do
    on_arm do
      url "{{.LinuxArm64.URL}}"
      sha256 "{{.LinuxArm64.SHA256}}"
    end
    on_intel do
      url "{{.LinuxAmd64.URL}}"
      sha256 "{{.LinuxAmd64.SHA256}}"
    end
  end

  def install
    bin.install "stscred"
    bash_completion.install "completions/stscred.bash" => "stscred"
    zsh_completion.install "completions/_stscred"
    fish_completion.install "completions/stscred.fish"
    man1.install "man/stscred.1"
  end

  test do
    assert_match "stscred v#{version}", shell_output("#{bin}/stscred version")
  end
end
`))

// formula writes stscred.rb.
func (r *release) formula() error {
	v := map[string]any{
		"Tag": r.rev.Tag, "Version": r.rev.Version(), "Homepage": homepage,
		"Desc": "AWS credentials from keys in the OS keyring, with MFA and caching",
	}
	for _, t := range targets {
		if t.OS == "windows" {
			continue
		}
		d, err := r.download(t)
		if err != nil {
			return err
		}
		key := map[string]string{"linux/amd64": "LinuxAmd64", "linux/arm64": "LinuxArm64", "darwin/amd64": "DarwinAmd64", "darwin/arm64": "DarwinArm64"}[t.String()]
		v[key] = d
	}
	var b bytes.Buffer
	if err := formulaTemplate.Execute(&b, v); err != nil {
		return err
	}
	return r.write("stscred.rb", b.Bytes())
}

// scoopManifest is the Scoop manifest's JSON, fields in Scoop's order.
type scoopManifest struct {
	Version      string                   `json:"version"`
	Description  string                   `json:"description"`
	Homepage     string                   `json:"homepage"`
	License      string                   `json:"license"`
	Architecture map[string]scoopDownload `json:"architecture"`
	Bin          string                   `json:"bin"`
	Notes        []string                 `json:"notes"`
}

type scoopDownload struct {
	URL        string `json:"url"`
	Hash       string `json:"hash"`
	ExtractDir string `json:"extract_dir"`
}

// scoop writes stscred.json, the Scoop manifest.
func (r *release) scoop() error {
	m := scoopManifest{
		Version:      r.rev.Version(),
		Description:  "AWS credentials from keys kept in the OS keyring, with MFA and caching: credential_process, shell and exec.",
		Homepage:     homepage,
		License:      "MIT",
		Architecture: map[string]scoopDownload{},
		Bin:          "stscred.exe",
		Notes: []string{
			"The PowerShell integration (stscred use, renewal before each prompt): add this line to $PROFILE:",
			"  Invoke-Expression (& stscred shell-init powershell | Out-String)",
		},
	}
	for _, t := range targets {
		if t.OS != "windows" {
			continue
		}
		d, err := r.download(t)
		if err != nil {
			return err
		}
		arch := map[string]string{"amd64": "64bit", "arm64": "arm64"}[t.Arch]
		m.Architecture[arch] = scoopDownload{URL: d.URL, Hash: d.SHA256, ExtractDir: d.Dir}
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "    ")
	if err := enc.Encode(m); err != nil {
		return fmt.Errorf("scoop manifest: %w", err)
	}
	return r.write("stscred.json", b.Bytes())
}
