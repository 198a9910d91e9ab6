package com.scanforpay.gateway.kafka;

import com.scanforpay.gateway.config.KafkaClientSettings;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.camel.CamelContext;
import org.apache.camel.component.kafka.DefaultKafkaClientFactory;
import org.apache.camel.component.kafka.KafkaClientFactory;
import org.apache.camel.component.kafka.KafkaComponent;
import org.apache.camel.component.kafka.KafkaConfiguration;
import org.apache.camel.quarkus.core.events.ComponentAddEvent;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.Producer;
import org.eclipse.microprofile.config.Config;
import org.jboss.logging.Logger;

/**
 * The one place where the gateway's Kafka clients get their connection settings: Camel's (through the client
 * factory below), the commands consumer and the readiness check's admin client all start from Camel's Kafka
 * component configuration ({@code camel.component.kafka.*}) and take the operator's {@code kafka.*} client
 * properties over it ({@link KafkaClientSettings}: security protocol, SASL, TLS, ...).
 */
@Singleton
public class KafkaClients {

    private static final Logger LOG = Logger.getLogger(KafkaClients.class);

    private final Map<String, String> settings;

    @Inject
    CamelContext camel;

    @Inject
    public KafkaClients(Config config) {
        KafkaClientSettings given = KafkaClientSettings.from(config);
        if (!given.unknown().isEmpty()) {
            LOG.warnf("Ignored, not Kafka client properties: %s", given.unknown());
        }
        settings = given.properties();
    }

    /** {@code properties} with the operator's client properties over them (start-up refused any the gateway sets). */
    public Properties withClientSettings(Properties properties) {
        properties.putAll(settings);
        return properties;
    }

    /**
     * A consumer's properties as camel-kafka's {@code kafka} configuration makes them, its brokers, and the client
     * properties over them: how the gateway's own Kafka clients connect (servers, security).
     */
    public Properties consumerProperties(KafkaConfiguration kafka) {
        Properties properties = withClientSettings(kafka.createConsumerProperties());
        properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.getBrokers());
        return properties;
    }

    /**
     * Camel's clients: every Kafka component gets a factory that adds the client properties (set explicitly: Camel
     * Quarkus' own default factory adds nothing unless Kubernetes service binding is on).
     */
    void onComponentAdd(@Observes ComponentAddEvent event) {
        if (event.getComponent() instanceof KafkaComponent kafka) {
            kafka.setKafkaClientFactory(clientFactory());
        }
    }

    private KafkaClientFactory clientFactory() {
        return new DefaultKafkaClientFactory() {
            @Override
            public Producer getProducer(Properties properties) {
                return super.getProducer(withClientSettings(properties));
            }

            @Override
            public Consumer getConsumer(Properties properties) {
                return super.getConsumer(withClientSettings(properties));
            }
        };
    }

    /**
     * An admin client's settings, as the gateway's consumers connect (servers, security), with {@code timeoutMs} for
     * each request.
     */
    public Map<String, Object> adminSettings(int timeoutMs) {
        Properties consumer = consumerProperties(camel.getComponent("kafka", KafkaComponent.class)
                .getConfiguration());
        Map<String, Object> admin = new HashMap<>();
        for (String name : AdminClientConfig.configNames()) {
            if (consumer.containsKey(name)) {
                admin.put(name, consumer.get(name));
            }
        }
        admin.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, timeoutMs);
        admin.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeoutMs);
        return admin;
    }
}
