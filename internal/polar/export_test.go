package polar

// SetMaxAnswerBytes sets the bound on answers read whole, for a test, and
// returns what restores it. Tests that use it must not run in parallel.
func SetMaxAnswerBytes(n int64) (restore func()) {
	old := maxAnswerBytes
	maxAnswerBytes = n
	return func() { maxAnswerBytes = old }
}
