package harness

import (
	"fmt"
	"os"
	"path/filepath"
)

// CopyDist copies the named files of the built SDK from dist into dir, each with the brotli
// and gzip copies make build writes next to it, so that the dev server serves them as it serves
// dist itself. It fails when a named file is missing (the caller has not built it).
func CopyDist(dist, dir string, names ...string) error {
	for _, name := range names {
		if err := CopyBuilt(filepath.Join(dist, name), filepath.Join(dir, name)); err != nil {
			return err
		}
	}
	return nil
}

// CopyBuilt copies a built file to dst, and its precompressed copies (src.br, src.gz), when
// there are any, to dst.br and dst.gz. Each copy keeps its source's modification time: the dev
// server ignores a compressed copy older than its source.
func CopyBuilt(src, dst string) error {
	if err := copyKeepingTime(src, dst); err != nil {
		return err
	}
	for _, suffix := range []string{".br", ".gz"} {
		if _, err := os.Stat(src + suffix); err != nil {
			continue
		}
		if err := copyKeepingTime(src+suffix, dst+suffix); err != nil {
			return err
		}
	}
	return nil
}

func copyKeepingTime(src, dst string) error {
	b, err := os.ReadFile(src)
	if err != nil {
		return fmt.Errorf("harness: %w (not built?)", err)
	}
	if err := os.WriteFile(dst, b, 0o644); err != nil {
		return err
	}
	info, err := os.Stat(src)
	if err != nil {
		return err
	}
	return os.Chtimes(dst, info.ModTime(), info.ModTime())
}
