// fdt: the flattened device tree the firmware handed to goose is readable at
// /sys/firmware/fdt (as on Linux), and /chosen/bootargs holds the boot words.
package main

import (
	"encoding/binary"
	"fmt"
	"os"
	"strings"
)

const (
	tokBeginNode = 1
	tokEndNode   = 2
	tokProp      = 3
	tokNop       = 4
	tokEnd       = 9
)

// property returns the value of property prop of the node at path (such as
// "/chosen"), or nil.
func property(blob []byte, path, prop string) []byte {
	be := binary.BigEndian
	structOff := be.Uint32(blob[8:])
	stringsOff := be.Uint32(blob[12:])
	var stack []string
	for off := structOff; int(off)+4 <= len(blob); {
		tok := be.Uint32(blob[off:])
		off += 4
		switch tok {
		case tokBeginNode:
			end := off
			for blob[end] != 0 {
				end++
			}
			name := string(blob[off:end])
			if i := strings.IndexByte(name, '@'); i >= 0 {
				name = name[:i]
			}
			stack = append(stack, name)
			off = (end + 1 + 3) &^ 3
		case tokEndNode:
			stack = stack[:len(stack)-1]
		case tokProp:
			l := be.Uint32(blob[off:])
			nameOff := be.Uint32(blob[off+4:])
			val := blob[off+8 : off+8+l]
			off = (off + 8 + l + 3) &^ 3
			cur := "/" + strings.Join(stack[1:], "/")
			n := blob[stringsOff+nameOff:]
			name := string(n[:strings.IndexByte(string(n), 0)])
			if cur == path && name == prop {
				return val
			}
		case tokNop:
		case tokEnd:
			return nil
		default:
			return nil
		}
	}
	return nil
}

func main() {
	blob, err := os.ReadFile("/sys/firmware/fdt")
	if err != nil {
		fmt.Println("read:", err)
		os.Exit(1)
	}
	if len(blob) < 40 {
		fmt.Println("too short:", len(blob))
		os.Exit(1)
	}
	fmt.Printf("magic: %08x\n", binary.BigEndian.Uint32(blob))
	fmt.Println("totalsize matches file size:", int(binary.BigEndian.Uint32(blob[4:])) == len(blob))
	bootargs := strings.TrimRight(string(property(blob, "/chosen", "bootargs")), "\x00")
	fmt.Println("/chosen/bootargs has our argument:", strings.Contains(bootargs, "fdt-test-word"))
	fmt.Println("os.Args[1]:", os.Args[1])
}
