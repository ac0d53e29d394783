package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// testModule is a module with one memory of one page, a custom section before and after the
// data, and the given data segments.
func testModule(segments ...segment) []byte {
	return encodeModule([]section{
		{sectionCustom, append(appendUleb(nil, 4), "meta"...)},
		{sectionMemory, []byte{1, 0, 1}},
		{sectionData, encodeData(segments)},
		{sectionCustom, append(appendUleb(nil, 4), "tail"...)},
	})
}

func seg(offset uint32, data string) segment { return segment{offset, []byte(data)} }

func TestMergeJoinsSegmentsAcrossSmallGaps(t *testing.T) {
	t.Parallel()
	// Out of order, as Go's linker writes one of them: gaps of 0, 64, 65 and 64 bytes.
	in := testModule(seg(234, "c"), seg(100, "aa"), seg(102, "b"), seg(167, "cc"), seg(299, "d"))
	out, st, err := merge(in, 64)
	require.NoError(t, err)
	sections, err := parseSections(out)
	require.NoError(t, err)
	segments, err := parseData(sections[2].body)
	require.NoError(t, err)
	assert.Equal(t, []segment{
		{100, []byte("aab" + string(make([]byte, 64)) + "cc")},
		{234, []byte("c" + string(make([]byte, 64)) + "d")},
	}, segments, "gaps ≤ 64 B filled, the 65 B one kept")
	assert.Equal(t, stats{segmentsBefore: 5, segmentsAfter: 2, zerosAdded: 128}, st)
	assertSameModule(t, in, out)
}

func TestMergeRefusesWhatItCannotKeepIdentical(t *testing.T) {
	t.Parallel()
	_, _, err := merge(testModule(seg(100, "abcd"), seg(102, "x")), 64)
	assert.ErrorContains(t, err, "overlap")

	passive := encodeModule([]section{{sectionMemory, []byte{1, 0, 1}}, {sectionData, []byte{1, 1, 1, 'p'}}})
	_, _, err = merge(passive, 64)
	assert.ErrorContains(t, err, "passive")

	past := testModule(seg(pageSize-1, "ab"))
	_, _, err = merge(past, 64)
	assert.ErrorContains(t, err, "past the initial memory")

	named := encodeModule([]section{{sectionMemory, []byte{1, 0, 1}}, {sectionData, encodeData([]segment{seg(1, "a")})},
		{sectionCustom, append(append(appendUleb(nil, 4), "name"...), 9, 0)}})
	_, _, err = merge(named, 64)
	assert.ErrorContains(t, err, "names data segments")

	_, _, err = merge([]byte("\x00asm\x02\x00\x00\x00"), 64)
	assert.ErrorContains(t, err, "not a WebAssembly module")
}

func TestMergeUpdatesTheDataCount(t *testing.T) {
	t.Parallel()
	in := encodeModule([]section{{sectionMemory, []byte{1, 0, 1}}, {sectionDataCount, []byte{2}},
		{sectionData, encodeData([]segment{seg(1, "a"), seg(3, "b")})}})
	out, _, err := merge(in, 64)
	require.NoError(t, err)
	sections, err := parseSections(out)
	require.NoError(t, err)
	assert.Equal(t, []byte{1}, sections[1].body)
}

func TestLEB128(t *testing.T) {
	t.Parallel()
	for _, v := range []int32{0, 1, 63, 64, -1, -64, -65, 1 << 20, 1<<31 - 1, -1 << 31} {
		r := reader{b: appendSleb(nil, int64(v))}
		got, err := r.sleb32()
		require.NoError(t, err)
		assert.Equal(t, v, got)
		assert.True(t, r.done(), "%d: bytes left over", v)
	}
	for _, v := range []uint64{0, 127, 128, 1 << 35} {
		r := reader{b: appendUleb(nil, v)}
		got, err := r.uleb()
		require.NoError(t, err)
		assert.Equal(t, v, got)
	}
}

// The real thing: nango.wasm as make build links it, merged as make build merges it, initializes
// the same memory, byte for byte, and differs in nothing but its data section.
func TestMergedNangoWasmInitializesTheSameMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("builds nango.wasm")
	}
	t.Parallel()
	linked := filepath.Join(t.TempDir(), "nango.wasm")
	build := exec.Command("go", "build", "-trimpath", "-ldflags=-s -w", "-o", linked, "./wasm/cmd/nango")
	build.Dir = filepath.Join("..", "..")
	build.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	in, err := os.ReadFile(linked)
	require.NoError(t, err)
	out, st, err := merge(in, 64)
	require.NoError(t, err)
	assertSameModule(t, in, out)
	assert.Greater(t, st.segmentsBefore, 10000, "Go's linker splits the data at runs of zeros")
	assert.Less(t, st.segmentsAfter, 100)
	t.Logf("%d data segments → %d, %d → %d bytes", st.segmentsBefore, st.segmentsAfter, len(in), len(out))
}

// assertSameModule compares two modules without instantiating them: the linear memory out
// initializes (its initial pages with its data segments written in) holds every data segment of
// in at its offset and zeros everywhere else, it is as large as in's, and every section but the
// data section is unchanged.
func assertSameModule(t *testing.T, in, out []byte) {
	t.Helper()
	a, err := parseSections(in)
	require.NoError(t, err)
	b, err := parseSections(out)
	require.NoError(t, err)
	require.Equal(t, len(a), len(b), "sections")
	var inSegments []segment
	for i := range a {
		assert.Equal(t, a[i].id, b[i].id, "section %d", i)
		if a[i].id == sectionData {
			inSegments, err = parseData(a[i].body)
			require.NoError(t, err)
		} else if !bytes.Equal(a[i].body, b[i].body) {
			t.Errorf("section %d (id %d) changed", i, a[i].id)
		}
	}
	image, err := memoryImage(out)
	require.NoError(t, err)
	inImage, err := memoryImage(in)
	require.NoError(t, err)
	require.Equal(t, len(inImage), len(image), "initial memory size")
	written := make([]bool, len(image))
	for _, s := range inSegments {
		if !bytes.Equal(image[s.offset:s.end()], s.data) {
			t.Fatalf("the segment at %d (%d bytes) is not in the merged module's memory", s.offset, len(s.data))
		}
		for i := s.offset; uint64(i) < s.end(); i++ {
			written[i] = true
		}
	}
	for i, c := range image {
		if !written[i] && c != 0 {
			t.Fatalf("the merged module writes %#x at %d, where the original leaves a zero", c, i)
		}
	}
}
