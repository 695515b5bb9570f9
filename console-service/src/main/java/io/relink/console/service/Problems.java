package io.relink.console.service;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.relink.console.client.NotifierApi;
import io.relink.console.client.ReauthApi;

/** Problems grouped by reason, each with what an operator can do about it. */
public final class Problems {
    private Problems() {
    }

    public record Group(String reason, long count, String advice, List<NotifierApi.Notification> emails) {
    }

    private static final Map<String, String> REFUSAL_ADVICE = Map.ofEntries(
            Map.entry("SIGN_IN_CANCELLED", "Users pressed Cancel, or Microsoft refused consent. If many do, check that the Azure app has admin consent in the users' tenants; each user can use their link again."),
            Map.entry("WRONG_ACCOUNT", "The user signed in with another mailbox than the one emailed. Ask them to sign in as the address in the email; their link works again."),
            Map.entry("NYLAS_FAILED", "Nylas did not complete the code exchange. Check Nylas's status and the connector; users can retry with their link."),
            Map.entry("SIGN_IN_NOT_CONFIRMED", "Microsoft refused the code (reused, or from another browser). Users can retry with their link."),
            Map.entry("MICROSOFT_FAILED", "Microsoft's token endpoint failed or refused the Azure app's credentials: check relink.microsoft.client-secret."),
            Map.entry("TOO_MANY_STARTS", "Many sign-ins started for one account within a minute: a scripted client or a confused user. It clears by itself."));

    public static String refusalAdvice(String refusal) {
        return REFUSAL_ADVICE.getOrDefault(refusal, "See reauth-service/README.md for what this refusal means.");
    }

    /** An email address in a server's reply ("550 5.1.1 <bob@contoso.com>: no such user"), bracketed or not. */
    private static final java.util.regex.Pattern ADDRESS = java.util.regex.Pattern.compile("<[^<>\\s]+@[^<>\\s]+>|[^\\s<>:;,()\\[\\]]+@[^\\s<>:;,()\\[\\]]*[^\\s<>:;,()\\[\\].]");

    /**
     * Failed or bounced emails grouped by their error, most frequent first. Servers name the refused address in their
     * reply; it is replaced by {@code <address>} so one cause is one group, not one group per user.
     */
    public static List<Group> byReason(List<NotifierApi.Notification> emails, boolean bounced) {
        Map<String, List<NotifierApi.Notification>> groups = new LinkedHashMap<>();
        for (NotifierApi.Notification n : emails) {
            String reason = n.lastError() == null || n.lastError().isBlank() ? "(no reason given)"
                    : ADDRESS.matcher(n.lastError()).replaceAll("<address>");
            groups.computeIfAbsent(reason, r -> new ArrayList<>()).add(n);
        }
        String advice = bounced
                ? "The recipient's server rejected the address. Correct it in your product (the next scan picks it up), then Resend."
                : "Our SMTP server refused or did not answer in time. Check relink.notify.smtp and the server's logs, then Resend.";
        return groups.entrySet().stream().sorted((a, b) -> Integer.compare(b.getValue().size(), a.getValue().size()))
                .map(e -> new Group(e.getKey(), e.getValue().size(), advice, e.getValue().stream().limit(20).toList())).toList();
    }

    public record Refusal(String refusal, long count, java.time.Instant last, String advice) {
    }

    public static List<Refusal> refusals(List<ReauthApi.RefusalCount> counts) {
        return counts.stream().map(c -> new Refusal(c.refusal(), c.count(), c.last(), refusalAdvice(c.refusal()))).toList();
    }
}
