package main

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/flate"
	"compress/gzip"
	"io"
	"os"
	"path"
	"sort"
	"time"
)

// entry is a file in an archive or a package: its path (relative), its
// content and its mode. Directories are implied by the paths.
type entry struct {
	name string
	data []byte
	mode int64
}

// archiveBase is the name of t's archive without its extension, and the
// directory everything in it is under: stscred_1.2.3_linux_amd64.
func (r *release) archiveBase(t target) string {
	return "stscred_" + r.rev.Version() + "_" + t.OS + "_" + t.Arch
}

// archiveFile is the name of t's archive.
func (r *release) archiveFile(t target) string {
	if t.OS == "windows" {
		return r.archiveBase(t) + ".zip"
	}
	return r.archiveBase(t) + ".tar.gz"
}

// archiveEntries is what t's archive holds, under its directory.
func (r *release) archiveEntries(t target) ([]entry, error) {
	bin, err := os.ReadFile(r.bins[t])
	if err != nil {
		return nil, err
	}
	es := []entry{
		{t.exe(), bin, 0o755},
		{"LICENSE", r.docs.license, 0o644},
		{"README.md", r.docs.readme, 0o644},
		{"man/stscred.1", r.docs.man, 0o644},
	}
	for _, sh := range shells {
		es = append(es, entry{archiveName(sh), r.docs.completions[sh], 0o644})
	}
	return es, nil
}

func (r *release) archive(t target) error {
	es, err := r.archiveEntries(t)
	if err != nil {
		return err
	}
	var data []byte
	if t.OS == "windows" {
		data, err = zipArchive(r.archiveBase(t), es, r.rev.Date())
	} else {
		data, err = tarGz(r.archiveBase(t), es, r.rev.Date())
	}
	if err != nil {
		return err
	}
	return r.write(r.archiveFile(t), data)
}

// layout is the archive's members in order: every directory (mode 0755)
// and file under top, sorted by name.
func layout(top string, es []entry) []entry {
	dirs := map[string]bool{}
	var all []entry
	for _, e := range es {
		name := path.Join(top, e.name)
		for d := path.Dir(name); d != "." && !dirs[d]; d = path.Dir(d) {
			dirs[d] = true
			all = append(all, entry{name: d + "/", mode: 0o755})
		}
		all = append(all, entry{name: name, data: e.data, mode: e.mode})
	}
	sort.Slice(all, func(i, j int) bool { return all[i].name < all[j].name })
	return all
}

// tarGz is a gzip-compressed ustar archive of es under top: owner root
// (0/0), the modes of es (0755 for directories), every time mtime, and
// a gzip header without a name or a time.
func tarGz(top string, es []entry, mtime time.Time) ([]byte, error) {
	var b bytes.Buffer
	gz, err := gzip.NewWriterLevel(&b, gzip.BestCompression)
	if err != nil {
		return nil, err
	}
	tw := tar.NewWriter(gz)
	for _, e := range layout(top, es) {
		h := &tar.Header{
			Name: e.name, Mode: e.mode, Size: int64(len(e.data)), ModTime: mtime,
			Uid: 0, Gid: 0, Uname: "root", Gname: "root",
			Typeflag: tar.TypeReg, Format: tar.FormatUSTAR,
		}
		if e.name[len(e.name)-1] == '/' {
			h.Typeflag, h.Size = tar.TypeDir, 0
		}
		if err := tw.WriteHeader(h); err != nil {
			return nil, err
		}
		if _, err := tw.Write(e.data); err != nil {
			return nil, err
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	if err := gz.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// zipArchive is a zip archive of es under top: deflated at the best
// compression, the modes of es as Unix attributes, every time mtime (in
// UTC, as MS-DOS time and as the extended timestamp).
func zipArchive(top string, es []entry, mtime time.Time) ([]byte, error) {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) {
		return flate.NewWriter(w, flate.BestCompression)
	})
	for _, e := range layout(top, es) {
		h := &zip.FileHeader{Name: e.name, Method: zip.Deflate, Modified: mtime.UTC()}
		mode := os.FileMode(e.mode)
		if e.name[len(e.name)-1] == '/' {
			h.Method = zip.Store
			mode |= os.ModeDir
		}
		h.SetMode(mode)
		w, err := zw.CreateHeader(h)
		if err != nil {
			return nil, err
		}
		if _, err := w.Write(e.data); err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
