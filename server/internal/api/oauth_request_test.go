package api

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseConnectQuery(t *testing.T) {
	t.Parallel()
	q, apiErr := parseConnectQuery("connect_session_token=t&params[b]=2&params%5Ba%5D=1&params[webhook_url]=x&params[d][e]=f" +
		"&authorization_params[prompt]=undefined&authorization_params[x]=a+b&params[dup]=1&params[dup]=2&credentials[oauth_client_id_override]=id")
	require.Nil(t, apiErr)
	assert.Equal(t, "t", q.SessionToken)
	assert.Equal(t, []string{"b", "a"}, q.Params.Keys(), "query order, bracket forms alike, webhook_url, nested and repeated keys dropped")
	v, _ := q.AuthorizationParams.Get("prompt")
	assert.Equal(t, undefinedParam{}, v)
	x, _ := q.AuthorizationParams.String("x")
	assert.Equal(t, "a b", x, "a raw + is a space, as qs reads it")
	id, _ := q.Credentials.String("oauth_client_id_override")
	assert.Equal(t, "id", id)

	_, apiErr = parseConnectQuery("connect_session_token=a&connect_session_token=b")
	require.NotNil(t, apiErr)
	assert.Equal(t, "invalid_query_params", apiErr.Code)
	_, apiErr = parseConnectQuery("params[a]=%zz")
	require.NotNil(t, apiErr)
}
