// stdlib: a sample of the pure-Go standard library runs unchanged: hashing,
// JSON, gzip, regular expressions, big numbers, sorting and formatting.
package main

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"math/big"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

type record struct {
	Name  string            `json:"name"`
	Count int               `json:"count"`
	Tags  []string          `json:"tags"`
	Attrs map[string]string `json:"attrs,omitempty"`
}

func main() {
	sum := sha256.Sum256([]byte("goose"))
	fmt.Println("sha256(goose):", hex.EncodeToString(sum[:]))
	fmt.Printf("crc32(goose): %08x\n", crc32.ChecksumIEEE([]byte("goose")))
	fmt.Println("base64:", base64.StdEncoding.EncodeToString([]byte("goose kernel")))

	// JSON round trip; map keys come out sorted.
	in := record{Name: "goose", Count: 3, Tags: []string{"riscv", "go"},
		Attrs: map[string]string{"mode": "S", "arch": "riscv64"}}
	js, err := json.Marshal(in)
	fmt.Println("json:", string(js), err)
	var out record
	err = json.Unmarshal(js, &out)
	fmt.Println("json round trip:", err == nil && out.Name == in.Name && out.Count == in.Count &&
		len(out.Tags) == 2 && out.Attrs["mode"] == "S")

	// gzip round trip of something compressible.
	text := []byte(strings.Repeat("the quick brown fox jumps over the lazy goose. ", 2000))
	var zbuf bytes.Buffer
	zw := gzip.NewWriter(&zbuf)
	zw.Write(text)
	zw.Close()
	compressed := zbuf.Len()
	zr, err := gzip.NewReader(&zbuf)
	if err != nil {
		fmt.Println("gzip reader:", err)
		return
	}
	back, err := io.ReadAll(zr)
	fmt.Printf("gzip: %d bytes, compressed smaller: %v, round trip equal: %v, err: %v\n",
		len(text), compressed < len(text)/10, bytes.Equal(back, text), err)

	// Regular expressions.
	re := regexp.MustCompile(`(\w+)@(\w+)\.org`)
	s := "mail alice@example.org, bob@golang.org or carol@riscv.org"
	fmt.Println("regexp matches:", re.FindAllString(s, -1))
	fmt.Println("regexp replace:", re.ReplaceAllString(s, "$2:$1"))

	// math/big: 100!
	f := new(big.Int).MulRange(1, 100)
	fmt.Println("100! =", f)
	fmt.Println("100! digits:", len(f.String()))

	// Floating point and formatting.
	fmt.Println("sqrt(2) =", strconv.FormatFloat(math.Sqrt(2), 'f', 12, 64))
	fmt.Printf("pi = %.10f, e = %.10f\n", math.Pi, math.Exp(1))

	// Sorting.
	words := strings.Fields("riscv goose supervisor opensbi qemu golang")
	sort.Strings(words)
	fmt.Println("sorted:", strings.Join(words, " "))
}
