package main

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"slices"
)

// The WebAssembly binary format, as much of it as merging data segments needs
// (https://webassembly.github.io/spec/core/binary/modules.html).
const (
	sectionCustom    = 0
	sectionMemory    = 5
	sectionData      = 11
	sectionDataCount = 12

	opI32Const = 0x41
	opEnd      = 0x0b

	pageSize = 64 << 10
)

var header = []byte{0x00, 'a', 's', 'm', 0x01, 0x00, 0x00, 0x00}

// section is one section of a module, its body as it is in the file.
type section struct {
	id   byte
	body []byte
}

// segment is an active data segment of memory 0: data written at offset when the module is
// instantiated.
type segment struct {
	offset uint32
	data   []byte
}

func (s segment) end() uint64 { return uint64(s.offset) + uint64(len(s.data)) }

func parseSections(module []byte) ([]section, error) {
	if !bytes.HasPrefix(module, header) {
		return nil, errors.New("not a WebAssembly module (version 1)")
	}
	r := reader{b: module, at: len(header)}
	var sections []section
	for !r.done() {
		id, err := r.byte()
		if err != nil {
			return nil, err
		}
		body, err := r.sized()
		if err != nil {
			return nil, fmt.Errorf("section %d: %w", id, err)
		}
		sections = append(sections, section{id, body})
	}
	return sections, nil
}

func encodeModule(sections []section) []byte {
	out := slices.Clone(header)
	for _, s := range sections {
		out = append(out, s.id)
		out = appendUleb(out, uint64(len(s.body)))
		out = append(out, s.body...)
	}
	return out
}

// parseData reads a data section whose segments are all active, for memory 0, at an i32.const
// offset: what Go's linker writes. Anything else is refused rather than guessed at.
func parseData(body []byte) ([]segment, error) {
	r := reader{b: body}
	n, err := r.uleb()
	if err != nil {
		return nil, err
	}
	segments := make([]segment, 0, n)
	for i := range n {
		flags, err := r.uleb()
		if err != nil {
			return nil, err
		}
		if flags != 0 {
			return nil, fmt.Errorf("data segment %d: kind %d (passive, or another memory): not supported", i, flags)
		}
		if op, err := r.byte(); err != nil || op != opI32Const {
			return nil, fmt.Errorf("data segment %d: the offset is not an i32.const", i)
		}
		offset, err := r.sleb32()
		if err != nil {
			return nil, fmt.Errorf("data segment %d: %w", i, err)
		}
		if op, err := r.byte(); err != nil || op != opEnd {
			return nil, fmt.Errorf("data segment %d: the offset is not a constant expression", i)
		}
		data, err := r.sized()
		if err != nil {
			return nil, fmt.Errorf("data segment %d: %w", i, err)
		}
		segments = append(segments, segment{offset: uint32(offset), data: data})
	}
	if !r.done() {
		return nil, errors.New("data section: bytes after the last segment")
	}
	return segments, nil
}

func encodeData(segments []segment) []byte {
	out := appendUleb(nil, uint64(len(segments)))
	for _, s := range segments {
		out = append(out, 0, opI32Const)
		out = appendSleb(out, int64(int32(s.offset)))
		out = append(out, opEnd)
		out = appendUleb(out, uint64(len(s.data)))
		out = append(out, s.data...)
	}
	return out
}

// mergeSegments sorts the segments by offset and joins each to the next when at most maxGap
// bytes lie between them, writing zeros in the gap. Memory starts zeroed, so the image is the
// same. Overlapping segments (which Go's linker never writes) are refused: their order would
// matter.
func mergeSegments(segments []segment, maxGap int) ([]segment, error) {
	sorted := slices.Clone(segments)
	slices.SortStableFunc(sorted, func(a, b segment) int { return cmp.Compare(a.offset, b.offset) })
	var merged []segment
	for _, s := range sorted {
		if len(merged) == 0 {
			merged = append(merged, segment{s.offset, slices.Clone(s.data)})
			continue
		}
		last := &merged[len(merged)-1]
		if uint64(s.offset) < last.end() {
			return nil, fmt.Errorf("data segments overlap at offset %d", s.offset)
		}
		gap := uint64(s.offset) - last.end()
		if gap > uint64(maxGap) {
			merged = append(merged, segment{s.offset, slices.Clone(s.data)})
			continue
		}
		last.data = append(last.data, make([]byte, gap)...)
		last.data = append(last.data, s.data...)
	}
	return merged, nil
}

// stats say what a merge did.
type stats struct {
	segmentsBefore, segmentsAfter int
	zerosAdded                    int
}

// merge returns module with its data segments merged across gaps of at most maxGap bytes. Every
// other section is kept byte for byte; a data count section, if any, is updated. It checks its
// own work: the memory image the output initializes is the input's, byte for byte.
func merge(module []byte, maxGap int) ([]byte, stats, error) {
	var st stats
	sections, err := parseSections(module)
	if err != nil {
		return nil, st, err
	}
	if err := checkNoDataNames(sections); err != nil {
		return nil, st, err
	}
	for i, s := range sections {
		if s.id != sectionData {
			continue
		}
		segments, err := parseData(s.body)
		if err != nil {
			return nil, st, err
		}
		merged, err := mergeSegments(segments, maxGap)
		if err != nil {
			return nil, st, err
		}
		st.segmentsBefore, st.segmentsAfter = len(segments), len(merged)
		st.zerosAdded = payload(merged) - payload(segments)
		sections[i].body = encodeData(merged)
		for j := range sections {
			if sections[j].id == sectionDataCount {
				sections[j].body = appendUleb(nil, uint64(len(merged)))
			}
		}
	}
	out := encodeModule(sections)
	before, err := memoryImage(module)
	if err != nil {
		return nil, st, err
	}
	after, err := memoryImage(out)
	if err != nil {
		return nil, st, fmt.Errorf("the merged module: %w", err)
	}
	if !bytes.Equal(before, after) {
		return nil, st, errors.New("the merged module would initialize memory differently (a bug in wasmmerge)")
	}
	return out, st, nil
}

func payload(segments []segment) int {
	n := 0
	for _, s := range segments {
		n += len(s.data)
	}
	return n
}

// checkNoDataNames refuses a name section that names data segments: merging renumbers them.
// Go's linker writes function names only (and none with -s).
func checkNoDataNames(sections []section) error {
	const dataNames = 9
	for _, s := range sections {
		if s.id != sectionCustom {
			continue
		}
		r := reader{b: s.body}
		name, err := r.sized()
		if err != nil || string(name) != "name" {
			continue
		}
		for !r.done() {
			id, err := r.byte()
			if err != nil {
				return err
			}
			if _, err := r.sized(); err != nil {
				return fmt.Errorf("name section: %w", err)
			}
			if id == dataNames {
				return errors.New("the name section names data segments, which merging would renumber: not supported")
			}
		}
	}
	return nil
}

// memoryImage is the linear memory a module has right after instantiation, before any code
// runs: its initial pages, zeroed, with every active data segment written in order. It reads
// the files only; nothing is instantiated.
func memoryImage(module []byte) ([]byte, error) {
	sections, err := parseSections(module)
	if err != nil {
		return nil, err
	}
	var size uint64
	var segments []segment
	for _, s := range sections {
		switch s.id {
		case sectionMemory:
			r := reader{b: s.body}
			if n, err := r.uleb(); err != nil || n != 1 {
				return nil, errors.New("memory section: want one memory")
			}
			if _, err := r.byte(); err != nil { // limits flags: a maximum follows the minimum or not
				return nil, err
			}
			pages, err := r.uleb()
			if err != nil {
				return nil, fmt.Errorf("memory section: %w", err)
			}
			size = pages * pageSize
		case sectionData:
			if segments, err = parseData(s.body); err != nil {
				return nil, err
			}
		}
	}
	image := make([]byte, size)
	for _, s := range segments {
		if s.end() > size {
			return nil, fmt.Errorf("a data segment ends at %d, past the initial memory (%d bytes)", s.end(), size)
		}
		copy(image[s.offset:], s.data)
	}
	return image, nil
}

// reader reads the binary format's primitives from b.
type reader struct {
	b  []byte
	at int
}

var errTruncated = errors.New("truncated")

func (r *reader) done() bool { return r.at >= len(r.b) }

func (r *reader) byte() (byte, error) {
	if r.done() {
		return 0, errTruncated
	}
	r.at++
	return r.b[r.at-1], nil
}

func (r *reader) uleb() (uint64, error) {
	var v uint64
	for shift := 0; shift < 64; shift += 7 {
		c, err := r.byte()
		if err != nil {
			return 0, err
		}
		v |= uint64(c&0x7f) << shift
		if c < 0x80 {
			return v, nil
		}
	}
	return 0, errors.New("LEB128 number too long")
}

func (r *reader) sleb32() (int32, error) {
	var v int64
	shift := 0
	for {
		c, err := r.byte()
		if err != nil {
			return 0, err
		}
		v |= int64(c&0x7f) << shift
		shift += 7
		if c < 0x80 {
			if shift < 64 && c&0x40 != 0 {
				v |= -1 << shift
			}
			return int32(v), nil
		}
		if shift >= 35 {
			return 0, errors.New("i32 LEB128 number too long")
		}
	}
}

// sized reads a length-prefixed byte string.
func (r *reader) sized() ([]byte, error) {
	n, err := r.uleb()
	if err != nil {
		return nil, err
	}
	if n > uint64(len(r.b)-r.at) {
		return nil, errTruncated
	}
	r.at += int(n)
	return r.b[r.at-int(n) : r.at], nil
}

func appendUleb(b []byte, v uint64) []byte {
	for {
		c := byte(v & 0x7f)
		v >>= 7
		if v == 0 {
			return append(b, c)
		}
		b = append(b, c|0x80)
	}
}

func appendSleb(b []byte, v int64) []byte {
	for {
		c := byte(v & 0x7f)
		v >>= 7
		if (v == 0 && c&0x40 == 0) || (v == -1 && c&0x40 != 0) {
			return append(b, c)
		}
		b = append(b, c|0x80)
	}
}
