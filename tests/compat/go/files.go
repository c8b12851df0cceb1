// Files, arguments and exit status: counts a tree file's lines, writes and reads back a
// /tmp file, echoes its arguments and exits with the status its first argument names.
package main

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
)

func main() {
	f, err := os.Open("data/words.txt")
	if err != nil {
		fmt.Println("open:", err)
		os.Exit(2)
	}
	n := 0
	for s := bufio.NewScanner(f); s.Scan(); {
		n++
	}
	f.Close()
	fmt.Println("words.txt lines", n)
	if err := os.WriteFile("/tmp/go-out.txt", []byte("written by go\n"), 0o644); err != nil {
		fmt.Println("write:", err)
		os.Exit(2)
	}
	b, err := os.ReadFile("/tmp/go-out.txt")
	fmt.Printf("read back %q %v\n", b, err)
	fmt.Println("args", os.Args[1:])
	code := 0
	if len(os.Args) > 1 {
		code, _ = strconv.Atoi(os.Args[1])
	}
	os.Exit(code)
}
