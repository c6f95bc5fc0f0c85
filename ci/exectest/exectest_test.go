// Package exectest is what make test's boot/goose-exec cases run through
// ci/goose-exec (ci/test.py): testdata read by a relative path, arguments
// that a shell or make would change, and a failure that must reach go test.
package exectest

import (
	"flag"
	"os"
	"reflect"
	"testing"
)

// The words ci/test.py passes after -args.
var wantArgs = []string{"a b", "$HOME", `q"uo'te`, `back\slash`, "", "--", "x=$y"}

func TestTestdata(t *testing.T) {
	b, err := os.ReadFile("testdata/word.txt")
	if err != nil || string(b) != "goose\n" {
		t.Fatalf("testdata/word.txt: %q, %v", b, err)
	}
}

func TestArgs(t *testing.T) {
	if !reflect.DeepEqual(flag.Args(), wantArgs) {
		t.Fatalf("flag.Args() = %q, want %q (os.Args %q)", flag.Args(), wantArgs, os.Args)
	}
}

// Fails when EXECTEST_FAIL is set (GOOSE_EXEC_ENV passes it through).
func TestFail(t *testing.T) {
	if os.Getenv("EXECTEST_FAIL") != "" {
		t.Fatal("EXECTEST_FAIL is set: failing on purpose")
	}
}
