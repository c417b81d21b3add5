/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.devopsaudit.collect;

import org.opensearch.test.OpenSearchTestCase;

import java.util.List;

/** The next page from GitLab's Link headers, offset and keyset pagination alike. */
public class LinkHeaderTests extends OpenSearchTestCase {

    public void testNextAmongOtherRelations() {
        String offset = "<https://gitlab.example.com/api/v4/audit_events?page=1&per_page=100>; rel=\"prev\", "
                + "<https://gitlab.example.com/api/v4/audit_events?page=3&per_page=100>; rel=\"next\", "
                + "<https://gitlab.example.com/api/v4/audit_events?page=1&per_page=100>; rel=\"first\"";
        assertEquals(
                "https://gitlab.example.com/api/v4/audit_events?page=3&per_page=100", LinkHeader.next(List.of(offset)));
        // keyset pagination sends only a next link, with an opaque cursor
        String keyset =
                "<https://gitlab.example.com/api/v4/groups/9/audit_events?cursor=eyJpZCI6IjEyMyJ9&pagination=keyset"
                        + "&per_page=100>; rel=\"next\"";
        assertEquals(
                "https://gitlab.example.com/api/v4/groups/9/audit_events?cursor=eyJpZCI6IjEyMyJ9&pagination=keyset&per_page=100",
                LinkHeader.next(List.of(keyset)));
        assertEquals("https://x/a?page=2", LinkHeader.next(List.of("<https://x/a?page=2>; rel=next")));
        assertEquals("https://x/a?page=2", LinkHeader.next(List.of("<https://x/a?page=2>;rel=\"prev next\"")));
        assertEquals(
                "https://x/a?page=2",
                LinkHeader.next(List.of("<https://x/a?page=1>; rel=\"first\"", "<https://x/a?page=2>; rel=\"next\"")));
    }

    public void testLastPageHasNoNext() {
        assertNull(LinkHeader.next(List.of()));
        assertNull(LinkHeader.next(List.of("<https://x/a?page=1>; rel=\"first\", <https://x/a?page=1>; rel=\"last\"")));
        assertNull("nextpage is not next", LinkHeader.next(List.of("<https://x/a?page=2>; rel=\"nextpage\"")));
        assertNull(LinkHeader.next(List.of("garbage")));
    }
}
