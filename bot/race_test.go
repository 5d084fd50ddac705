//go:build race

package bot

// raceEnabled: the race detector keeps shadow memory for what goroutines
// touch, so resident memory says little about the code under -race.
const raceEnabled = true
