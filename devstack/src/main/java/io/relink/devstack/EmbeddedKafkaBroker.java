package io.relink.devstack;

import java.nio.file.Path;

import org.apache.kafka.common.utils.Time;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;

/** The broker running in this JVM. */
public final class EmbeddedKafkaBroker extends KafkaBroker {
    private KafkaRaftServer server;

    EmbeddedKafkaBroker(Path dataDir, int partitions) {
        super(dataDir, partitions);
    }

    @Override
    protected synchronized void launch() {
        if (server != null) {
            return;
        }
        KafkaRaftServer started = new KafkaRaftServer(KafkaConfig.fromProps(serverProperties(), false), Time.SYSTEM);
        started.startup();
        server = started;
    }

    @Override
    public synchronized void stop() {
        if (server == null) {
            return;
        }
        server.shutdown();
        server.awaitShutdown();
        server = null;
    }

    @Override
    public synchronized boolean isRunning() {
        return server != null;
    }
}
