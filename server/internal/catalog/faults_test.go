package catalog

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseFaults(t *testing.T) {
	t.Parallel()
	set, err := ParseFaults("coop, slow_consent:250ms", "callback_delay")
	require.NoError(t, err)
	assert.Equal(t, FaultSet{FaultCOOP: 0, FaultSlowConsent: 250 * time.Millisecond, FaultCallbackDelay: 3 * time.Second}, set)
	assert.Equal(t, "callback_delay:3s,coop,slow_consent:250ms", set.String())
	back, err := ParseFaults(set.String())
	require.NoError(t, err)
	assert.Equal(t, set, back, "the canonical form reads back")
	for _, bad := range []string{"cop", "coop:1s", "slow_consent:forever", "callback_delay:3h"} {
		_, err := ParseFaults(bad)
		assert.Error(t, err, bad)
	}
}
