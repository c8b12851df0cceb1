// A mutex-heavy loop: goroutines contend for one sync.Mutex, a RWMutex and atomics,
// and the totals must come out exact.
package main

import (
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
)

func main() {
	const workers, rounds = 8, 20000
	var mu sync.Mutex
	var rw sync.RWMutex
	var wg sync.WaitGroup
	counter := 0
	shared := map[int]int{}
	var atom int64
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(id int) {
			defer wg.Done()
			for i := 0; i < rounds; i++ {
				mu.Lock()
				counter++
				mu.Unlock()
				atomic.AddInt64(&atom, 2)
				if i%1000 == 0 {
					rw.Lock()
					shared[id]++
					rw.Unlock()
					runtime.Gosched()
				} else if i%100 == 0 {
					rw.RLock()
					_ = shared[id]
					rw.RUnlock()
				}
			}
		}(w)
	}
	wg.Wait()
	sum := 0
	for _, v := range shared {
		sum += v
	}
	fmt.Println("counter", counter, "atomic", atom, "writes", sum)
}
