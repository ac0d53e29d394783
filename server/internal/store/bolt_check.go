package store

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"os"

	bolt "go.etcd.io/bbolt"
)

// bbolt maps the data file into memory and trusts every page number it reads there: a page
// past the end of a truncated file is a SIGBUS or SIGSEGV that no recover catches, and a page
// of random bytes sends it to such an address. So before bbolt sees a file, checkBoltPages
// reads it with plain reads and follows every page bbolt would follow at open and in its own
// consistency check (Tx.Check, which OpenBolt runs next): the meta pages, the freelist and
// the whole tree of buckets must lie inside the file and be pages of the kind expected.
// The layout is bbolt's (go.etcd.io/bbolt/internal/common), in the machine's byte order.

const (
	boltMagic          = 0xED0CDAED
	boltVersion        = 2
	boltPageHeaderSize = 16 // id u64, flags u16, count u16, overflow u32
	boltElementSize    = 16 // branch: pos u32, ksize u32, pgid u64; leaf: flags u32, pos u32, ksize u32, vsize u32
	boltBucketHeader   = 16 // a bucket's value: root pgid u64, sequence u64 (root 0: an inline page follows)
	boltNoFreelist     = ^uint64(0)

	boltBranchPage   = 0x01
	boltLeafPage     = 0x02
	boltFreelistPage = 0x10
	boltBucketLeaf   = 0x01
)

// boltMeta is the part of a meta page the check needs.
type boltMeta struct {
	pageSize uint64
	root     uint64 // the root bucket's page
	freelist uint64
	pgid     uint64 // the high-water mark: pages [0, pgid) are in the file
	txid     uint64
}

// errDamaged marks a file whose pages do not hold together.
var errDamaged = errors.New("damaged")

func damaged(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{errDamaged}, args...)...)
}

// checkBoltPages reads an existing, non-empty data file and reports the first page that
// bbolt could not safely read.
func checkBoltPages(f *os.File, size int64) error {
	meta, err := readBoltMeta(f, size)
	if err != nil {
		return err
	}
	if need := meta.pgid * meta.pageSize; uint64(size) < need {
		return damaged("it is %d bytes long but its header says %d pages of %d bytes (%d bytes): it was cut short", size, meta.pgid, meta.pageSize, need)
	}
	w := &boltWalker{f: f, meta: meta, seen: map[uint64]bool{}}
	if meta.freelist != boltNoFreelist {
		if err := w.checkFreelist(meta.freelist); err != nil {
			return err
		}
	}
	return w.walk(meta.root, 0)
}

// readBoltMeta picks the meta page bbolt would use: the valid one with the higher txid.
func readBoltMeta(f *os.File, size int64) (boltMeta, error) {
	var best *boltMeta
	// The second meta page sits one page in; the page size is in the first (or, when that
	// one is torn, tried as bbolt tries it: every power of two from 1 KiB).
	offsets := []int64{0}
	for shift := 10; shift <= 24; shift++ {
		offsets = append(offsets, 1<<shift)
	}
	for i, off := range offsets {
		m, ok := parseBoltMeta(f, off)
		if !ok || (i > 0 && uint64(off) != m.pageSize) {
			continue
		}
		if best == nil || m.txid > best.txid {
			best = &m
		}
	}
	if best == nil {
		if size < 2*1024 {
			return boltMeta{}, damaged("it is %d bytes long, too short for a bbolt file", size)
		}
		return boltMeta{}, damaged("neither of its two header (meta) pages is valid: it is not a bbolt file, or both were overwritten")
	}
	return *best, nil
}

func parseBoltMeta(f *os.File, off int64) (boltMeta, bool) {
	var buf [boltPageHeaderSize + 64]byte
	if _, err := f.ReadAt(buf[:], off); err != nil {
		return boltMeta{}, false
	}
	m := buf[boltPageHeaderSize:]
	u32 := func(at int) uint32 { return binary.NativeEndian.Uint32(m[at:]) }
	u64 := func(at int) uint64 { return binary.NativeEndian.Uint64(m[at:]) }
	sum := fnv.New64a()
	sum.Write(m[:56]) // every field before the checksum
	if u32(0) != boltMagic || u32(4) != boltVersion || u64(56) != sum.Sum64() {
		return boltMeta{}, false
	}
	meta := boltMeta{pageSize: uint64(u32(8)), root: u64(16), freelist: u64(32), pgid: u64(40), txid: u64(48)}
	if meta.pageSize < 1024 || meta.pageSize > 1<<24 || meta.pageSize&(meta.pageSize-1) != 0 {
		return boltMeta{}, false
	}
	return meta, true
}

// boltWalker follows the pages of one file.
type boltWalker struct {
	f    *os.File
	meta boltMeta
	seen map[uint64]bool // a page reached twice is a cycle, or two owners
}

// maxBucketDepth bounds nested buckets (ours are two deep), so a crafted file cannot recurse
// without end through inline pages.
const maxBucketDepth = 16

// page reads page id, with its overflow pages, after checking it lies below the high-water
// mark, carries its own id, and is reached only once.
func (w *boltWalker) page(id uint64) ([]byte, error) {
	if id < 2 || id >= w.meta.pgid {
		return nil, damaged("it refers to page %d, outside its %d pages", id, w.meta.pgid)
	}
	if w.seen[id] {
		return nil, damaged("page %d is referred to twice", id)
	}
	w.seen[id] = true
	head := make([]byte, boltPageHeaderSize)
	if _, err := w.f.ReadAt(head, int64(id*w.meta.pageSize)); err != nil {
		return nil, damaged("page %d cannot be read: %v", id, err)
	}
	if got := binary.NativeEndian.Uint64(head); got != id {
		return nil, damaged("page %d is marked as page %d", id, got)
	}
	overflow := uint64(binary.NativeEndian.Uint32(head[12:]))
	if id+overflow >= w.meta.pgid {
		return nil, damaged("page %d runs past its %d pages", id, w.meta.pgid)
	}
	buf := make([]byte, (overflow+1)*w.meta.pageSize)
	if _, err := w.f.ReadAt(buf, int64(id*w.meta.pageSize)); err != nil && !errors.Is(err, io.EOF) {
		return nil, damaged("page %d cannot be read: %v", id, err)
	}
	return buf, nil
}

func (w *boltWalker) checkFreelist(id uint64) error {
	p, err := w.page(id)
	if err != nil {
		return err
	}
	if flags := binary.NativeEndian.Uint16(p[8:]); flags != boltFreelistPage {
		return damaged("page %d should hold the free-page list but is of kind %#x", id, flags)
	}
	count, first := uint64(binary.NativeEndian.Uint16(p[10:])), uint64(0)
	if count == 0xFFFF { // the real count is the first element
		count, first = binary.NativeEndian.Uint64(p[boltPageHeaderSize:]), 1
	}
	if (first+count)*8 > uint64(len(p)-boltPageHeaderSize) {
		return damaged("the free-page list (page %d) claims %d entries, more than its page holds", id, count)
	}
	for i := range count {
		if free := binary.NativeEndian.Uint64(p[boltPageHeaderSize+(first+i)*8:]); free < 2 || free >= w.meta.pgid {
			return damaged("the free-page list names page %d, outside its %d pages", free, w.meta.pgid)
		}
	}
	return nil
}

// walk checks the tree of a bucket rooted at page id.
func (w *boltWalker) walk(id uint64, depth int) error {
	p, err := w.page(id)
	if err != nil {
		return err
	}
	return w.checkNode(p, id, depth)
}

// checkNode checks a branch or leaf page (p holds it, header first; id names it in errors):
// every element, key and value lies inside it, and every page or bucket it leads to is sound.
func (w *boltWalker) checkNode(p []byte, id uint64, depth int) error {
	if depth > maxBucketDepth {
		return damaged("its buckets nest deeper than %d", maxBucketDepth)
	}
	flags, count := binary.NativeEndian.Uint16(p[8:]), int(binary.NativeEndian.Uint16(p[10:]))
	if flags != boltBranchPage && flags != boltLeafPage {
		return damaged("page %d should hold keys but is of kind %#x", id, flags)
	}
	if boltPageHeaderSize+count*boltElementSize > len(p) {
		return damaged("page %d claims %d keys, more than it holds", id, count)
	}
	for i := range count {
		at := boltPageHeaderSize + i*boltElementSize
		e := p[at : at+boltElementSize]
		if flags == boltBranchPage {
			pos, ksize := uint64(binary.NativeEndian.Uint32(e)), uint64(binary.NativeEndian.Uint32(e[4:]))
			if uint64(at)+pos+ksize > uint64(len(p)) {
				return damaged("key %d of page %d lies outside the page", i, id)
			}
			if err := w.walk(binary.NativeEndian.Uint64(e[8:]), depth); err != nil {
				return err
			}
			continue
		}
		eflags := binary.NativeEndian.Uint32(e)
		pos, ksize, vsize := uint64(binary.NativeEndian.Uint32(e[4:])), uint64(binary.NativeEndian.Uint32(e[8:])), uint64(binary.NativeEndian.Uint32(e[12:]))
		start := uint64(at) + pos + ksize
		if start+vsize > uint64(len(p)) {
			return damaged("entry %d of page %d lies outside the page", i, id)
		}
		if eflags&boltBucketLeaf == 0 {
			continue
		}
		value := p[start : start+vsize]
		if len(value) < boltBucketHeader {
			return damaged("bucket %d of page %d is cut short", i, id)
		}
		if root := binary.NativeEndian.Uint64(value); root != 0 {
			if err := w.walk(root, depth+1); err != nil {
				return err
			}
			continue
		}
		inline := value[boltBucketHeader:]
		if len(inline) < boltPageHeaderSize {
			return damaged("bucket %d of page %d is cut short", i, id)
		}
		if err := w.checkNode(inline, id, depth+1); err != nil {
			return err
		}
	}
	return nil
}

// checkBoltRecords decodes every stored record, as the handlers will.
func checkBoltRecords(tx *bolt.Tx) error {
	decoders := []struct {
		bucket []byte
		decode func([]byte) error
	}{
		{bucketSessions, func(v []byte) error { return json.Unmarshal(v, &Session{}) }},
		{bucketStates, func(v []byte) error { return json.Unmarshal(v, &OAuthState{}) }},
		{bucketConnections, func(v []byte) error { _, err := decodeConnection(v); return err }},
	}
	for _, d := range decoders {
		b := tx.Bucket(d.bucket)
		if b == nil {
			continue // a new file: prepareSchema makes it
		}
		err := b.ForEach(func(k, v []byte) error {
			if v == nil {
				return fmt.Errorf("%s holds an unexpected bucket", d.bucket)
			}
			if err := d.decode(v); err != nil {
				return fmt.Errorf("a record in %s is unreadable", d.bucket)
			}
			return nil
		})
		if err != nil {
			return damaged("%v", err)
		}
	}
	return nil
}
