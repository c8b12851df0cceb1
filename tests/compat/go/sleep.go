// time.Sleep, timers and select: sleepers wake in the order of their durations, a
// select times out, and the whole run takes at least as long as the longest sleep.
package main

import (
	"fmt"
	"time"
)

func main() {
	start := time.Now()
	done := make(chan string)
	for _, d := range []int{300, 100, 200} {
		go func(ms int) {
			time.Sleep(time.Duration(ms) * time.Millisecond)
			done <- fmt.Sprintf("%dms", ms)
		}(d)
	}
	for i := 0; i < 3; i++ {
		fmt.Println("woke", <-done)
	}
	select {
	case <-make(chan int):
		fmt.Println("impossible")
	case <-time.After(50 * time.Millisecond):
		fmt.Println("select timed out")
	}
	t := time.NewTicker(20 * time.Millisecond)
	for i := 0; i < 3; i++ {
		<-t.C
	}
	t.Stop()
	fmt.Println("ticked 3 times")
	fmt.Println("elapsed >= 350ms:", time.Since(start) >= 350*time.Millisecond)
}
