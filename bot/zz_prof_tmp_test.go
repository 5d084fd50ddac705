package bot

import (
	"os"
	"runtime/pprof"
	"testing"
	"time"
)

func BenchmarkZZProf(b *testing.B) {
	p := newPlanBench(b, 100_000)
	b.Logf("import %+v day %+v", p.importRun, p.dayRun)
	f, _ := os.Create("/tmp/i12zz2.prof")
	pprof.StartCPUProfile(f)
	d0 := p.tickAt(b, time.Date(2026, 6, 4, 0, 1, 0, 0, hcmc))
	pprof.StopCPUProfile()
	f.Close()
	b.Logf("next day %v", d0)
}
