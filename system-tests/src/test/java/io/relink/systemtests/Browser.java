package io.relink.systemtests;

import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * What an end user's browser does for a load test, and no more: keeps cookies, follows redirects and meta refreshes,
 * and submits a page's form with the fields the page holds. It knows no URL of its own; every step comes from the page
 * before. It checks no CSP, SameSite rule or redirect policy: {@link BrowserJourneyTest} proves those in Chromium.
 */
final class Browser {
    private static final Pattern FORM = Pattern.compile("<form([^>]*method=\"post\"[^>]*)>(.*?)</form>", Pattern.DOTALL);
    private static final Pattern ACTION = Pattern.compile("action=\"([^\"]*)\"");
    private static final Pattern REFRESH = Pattern.compile("<meta http-equiv=\"refresh\" content=\"0; url=([^\"]+)\">");
    private static final Pattern INPUT = Pattern.compile("<input[^>]*name=\"([^\"]+)\"[^>]*value=\"([^\"]*)\"");

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).cookieHandler(new CookieManager())
            .followRedirects(HttpClient.Redirect.NORMAL).connectTimeout(Duration.ofSeconds(5)).build();

    /** A page as the browser shows it: where it ended up after redirects, its status and its HTML. */
    record Page(URI uri, int status, String html) {
        boolean says(String text) {
            return html.contains(text);
        }
    }

    Page open(String url) throws IOException, InterruptedException {
        return show(http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString()));
    }

    /** Submits the page's first POST form with its own fields plus {@code extra} (a pressed button's name and value). */
    Page submit(Page page, Map<String, String> extra) throws IOException, InterruptedException {
        Matcher form = FORM.matcher(page.html());
        if (!form.find()) {
            throw new AssertionError("no form on " + page.uri() + ": " + page.html());
        }
        Map<String, String> fields = new LinkedHashMap<>();
        Matcher input = INPUT.matcher(form.group(2));
        while (input.find()) {
            fields.put(input.group(1), unescape(input.group(2)));
        }
        fields.putAll(extra);
        String body = fields.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        Matcher action = ACTION.matcher(form.group(1));
        URI target = action.find() ? page.uri().resolve(unescape(action.group(1))) : page.uri(); // no action: the page's own URL
        return show(http.send(HttpRequest.newBuilder(target).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString()));
    }

    /** The page, or where its meta refresh leads, as a browser moves on by itself. */
    private Page show(HttpResponse<String> response) throws IOException, InterruptedException {
        Matcher refresh = REFRESH.matcher(response.body());
        if (response.statusCode() == 200 && refresh.find()) {
            return open(response.uri().resolve(unescape(refresh.group(1))).toString());
        }
        return new Page(response.uri(), response.statusCode(), response.body());
    }

    private static String unescape(String html) {
        return html.replace("&quot;", "\"").replace("&#39;", "'").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&");
    }
}
