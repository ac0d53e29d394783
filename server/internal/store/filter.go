package store

import (
	"slices"
	"sort"
	"strings"
)

// listConnectionsDefaultLimit is what Nango's list uses when the query names no limit.
const listConnectionsDefaultLimit = 10000

// Filter is GET /connections' query once validated. Both stores apply it with
// matches and page, so the filtering rules live here only.
type Filter struct {
	ConnectionID   string
	Search         string // case-insensitive, in connection_id, end user display name or email
	EndUserID      string
	IntegrationIDs []string
	OrganizationID string
	Tags           map[string]string // lowercased keys; every one must match
	Limit, Page    int
}

func (f Filter) matches(c *Connection) bool {
	if f.ConnectionID != "" && c.ConnectionID != f.ConnectionID {
		return false
	}
	if len(f.IntegrationIDs) > 0 && !slices.Contains(f.IntegrationIDs, c.ProviderConfigKey) {
		return false
	}
	if f.EndUserID != "" && (c.EndUser == nil || c.EndUser.ID != f.EndUserID) {
		return false
	}
	if f.OrganizationID != "" && (c.EndUser == nil || c.EndUser.Organization == nil || c.EndUser.Organization.ID != f.OrganizationID) {
		return false
	}
	for k, v := range f.Tags {
		if c.Tags[k] != v {
			return false
		}
	}
	if f.Search != "" {
		needle := strings.ToLower(f.Search)
		found := strings.Contains(strings.ToLower(c.ConnectionID), needle)
		if u := c.EndUser; !found && u != nil {
			found = (u.DisplayName != nil && strings.Contains(strings.ToLower(*u.DisplayName), needle)) ||
				(u.Email != nil && strings.Contains(strings.ToLower(*u.Email), needle))
		}
		if !found {
			return false
		}
	}
	return true
}

// page orders the matches as Nango does (newest first) and cuts the requested page.
func (f Filter) page(matched []*Connection) []*Connection {
	sort.Slice(matched, func(i, j int) bool {
		if !matched[i].CreatedAt.Equal(matched[j].CreatedAt) {
			return matched[i].CreatedAt.After(matched[j].CreatedAt)
		}
		return matched[i].ID > matched[j].ID
	})
	limit := f.Limit
	if limit <= 0 {
		limit = listConnectionsDefaultLimit
	}
	start := f.Page * limit
	if start >= len(matched) {
		return []*Connection{}
	}
	return matched[start:min(start+limit, len(matched))]
}
