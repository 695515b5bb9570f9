package io.relink.devstack;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.mail.internet.MimeMessage;

/**
 * Relink on one machine, no Docker ({@link RelinkSystem} on the fixed local ports): starts a scan, serves the
 * mailbox as a web page, and prints every email's link as it arrives. Ctrl-C stops everything.
 */
public final class LocalStack {
    private static final Pattern LINK = Pattern.compile("http://localhost:8083/reauth/[A-Za-z0-9._-]+");

    private LocalStack() {
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(Settings.get("relink.root", ".")).toAbsolutePath();
        RelinkSystem.Builder builder = RelinkSystem.builder(root.resolve(".relink"))
                .local(Integer.parseInt(Settings.get("relink.local.smtp-port", "2525")))
                .accounts(Long.parseLong(Settings.get("relink.local.accounts", "200")))
                .console();
        // As a new production deployment: nobody is emailed until an operator approves, in the console.
        String approval = Settings.get("relink.local.approval", "required");
        if (approval.equals("required")) {
            builder.approvalRequired();
        } else if (!approval.equals("auto")) {
            throw new IllegalArgumentException("relink.local.approval is required or auto, not " + approval);
        }
        String mode = Settings.get("relink.local.reauth-mode", "hosted");
        if (mode.equals("native")) {
            builder.nativeAuth();
        } else if (!mode.equals("hosted")) {
            throw new IllegalArgumentException("relink.local.reauth-mode is hosted or native, not " + mode);
        }
        String api = Settings.get("relink.local.nylas-api", "v3");
        if (api.equals("v2")) {
            builder.nylasV2();
        } else if (!api.equals("v3")) {
            throw new IllegalArgumentException("relink.local.nylas-api is v3 or v2, not " + api);
        }
        RelinkSystem system = builder.start();
        MailboxPage mailbox = new MailboxPage(system.mail(), Integer.parseInt(Settings.get("relink.local.mailbox-port", "8025")));
        AtomicBoolean stopping = new AtomicBoolean();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stopping.set(true);
            mailbox.close();
            system.close();
            System.out.println("Relink stopped.");
        }));

        String key = system.adminKey();
        String scan = system.scanner().call("POST", "/api/scans", key);
        String auth = "curl -H 'Authorization: Bearer " + key + "' ";
        System.out.println();
        System.out.println("Relink is running on Nylas " + api + " (reauth in " + mode + " mode). A scan started: " + scan);
        System.out.println("  console:  " + system.consoleUrl() + "   (signs you in as " + IdentityProvider.OPERATOR.name()
                + ", an operator; approve a domain there and its users are emailed)");
        System.out.println("  mailbox:  " + mailbox.url() + "   (open an email, follow its link, press the button, Accept at the Microsoft stand-in)");
        System.out.println("  funnel:   " + auth + system.scanner().url("/api/summary"));
        System.out.println("  scans:    " + auth + system.scanner().url("/api/scans"));
        System.out.println("  accounts: " + auth + "'" + system.scanner().url("/api/accounts?status=MIGRATED") + "'");
        System.out.println("  emails:   " + auth + "'" + system.notifier().url("/api/notifications?accountId=<account id>") + "'");
        System.out.println("  services: scanner " + system.scanner().baseUrl() + ", notifier " + system.notifier().baseUrl()
                + ", reauth " + system.reauth().baseUrl() + " (each has /q/health, /q/metrics, /q/swagger-ui)");
        System.out.println("  sandbox:  " + system.sandbox().baseUrl() + "/sandbox/ground-truth?api=" + api);
        System.out.println("  kafka:    " + system.kafka().bootstrapServers() + "   (dead letters: KAFKA_BOOTSTRAP_SERVERS="
                + system.kafka().bootstrapServers() + " ./dead-letters list relink.migrations.v1.dlq)");
        System.out.println("  logs:     " + system.logs());
        System.out.println("Each email's link also appears below. Ctrl-C stops everything.");
        int shown = 0;
        try {
            while (!stopping.get()) {
                List<MimeMessage> messages = system.mail().receivedMessages();
                for (; shown < messages.size(); shown++) {
                    MimeMessage m = messages.get(shown);
                    Matcher link = LINK.matcher(MailServer.body(m, "text/plain"));
                    System.out.println("  email to " + m.getAllRecipients()[0] + ": " + m.getSubject() + (link.find() ? "\n    " + link.group() : ""));
                }
                system.mail().awaitMessages(shown + 1, 2_000);
            }
        } catch (RuntimeException | jakarta.mail.MessagingException e) {
            if (!stopping.get()) {
                throw e;
            }
            // Ctrl-C took the mail server away mid-read.
        }
    }
}
