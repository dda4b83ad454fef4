package dev.dualkey.gateway.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dualkey.storage.rocks.StorageEngine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code docs/grafana/dualkey.json} queries exactly what the server exports: every metric name in a panel or
 * variable query is in a real scrape, and every Dualkey metric family the server exports is on the dashboard.
 */
class GrafanaDashboardTest {
    private static final Pattern METRIC = Pattern.compile("\\b(?:dualkey|jvm|process|system)_[a-z0-9_]+\\b");

    @TempDir
    Path dir;

    @Test
    void everyMetricTheDashboardQueriesIsExportedAndEveryDualkeyMetricIsShown() throws Exception {
        Path json = Path.of(System.getProperty("user.dir")).getParent().resolve("docs/grafana/dualkey.json");
        JsonNode dash = new ObjectMapper().readTree(Files.readString(json));
        assertEquals("dualkey-overview", dash.get("uid").asText());
        List<String> queries = new ArrayList<>();
        collect(dash, queries);
        Set<String> referenced = new TreeSet<>();
        for (String q : queries) {
            Matcher m = METRIC.matcher(q);
            while (m.find()) {
                referenced.add(m.group());
            }
        }
        assertTrue(referenced.size() > 30, "the dashboard queries metrics: " + referenced);

        Set<String> exported;
        try (StorageEngine engine = StorageEngine.open(dir, List.of());
             DualkeyMetrics metrics = new DualkeyMetrics()) {
            engine.objectStore().createBucket("graf", "111122223333", "us-east-1");
            metrics.bindStore(engine.objectStore(), 1000);
            metrics.bindDatabase(engine.database());
            metrics.bindLifecycle(new dev.dualkey.gateway.lifecycle.LifecycleWorker(engine.objectStore(), null,
                    dev.dualkey.gateway.lifecycle.LifecycleSettings.defaults())); // not started: zero counters
            metrics.requests().record("s3", "PutObject", 200, 1_000_000, 10, 0); // request series appear on use
            metrics.bindLoopReads(new dev.dualkey.gateway.http.LoopReads()); // issue 19: the event loop's reads
            metrics.bindCommitOutcomes(new dev.dualkey.storage.kv.CommitOutcomes() { // cluster mode's state store
                @Override
                public long lostAnswers() {
                    return 0;
                }

                @Override
                public long unknownOutcomes() {
                    return 0;
                }

                @Override
                public long pendingFences() {
                    return 0;
                }
            });
            try (dev.dualkey.gateway.alert.WebhookAlerts alerts = dev.dualkey.gateway.alert.WebhookAlerts.start(
                    dev.dualkey.gateway.alert.AlertSettings.accountsOnly())) { // issue 18: delivery counters
                metrics.bindAlerts(alerts);
                exported = PrometheusText.parse(metrics.scrape()).names();
            }
        }
        Set<String> missing = new TreeSet<>(referenced);
        missing.removeAll(exported);
        assertEquals(Set.of(), missing, "queried by the dashboard but not exported");

        Set<String> notShown = new TreeSet<>();
        for (String name : exported) {
            if (!name.startsWith("dualkey_")) {
                continue;
            }
            String family = name.replaceAll("_(bucket|count|sum|max)$", "");
            if (referenced.stream().noneMatch(r -> r.startsWith(family))) {
                notShown.add(name);
            }
        }
        assertEquals(Set.of(), notShown, "exported but on no panel");
    }

    /** Every {@code expr} and variable {@code query} string in the document. */
    private static void collect(JsonNode node, List<String> out) {
        if (node.isObject()) {
            node.fields().forEachRemaining(e -> {
                if ((e.getKey().equals("expr") || e.getKey().equals("query")) && e.getValue().isTextual()) {
                    out.add(e.getValue().asText());
                } else {
                    collect(e.getValue(), out);
                }
            });
        } else if (node.isArray()) {
            node.forEach(n -> collect(n, out));
        }
    }
}
