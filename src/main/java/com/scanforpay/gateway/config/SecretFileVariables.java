package com.scanforpay.gateway.config;

import io.smallrye.config.ConfigSourceInterceptor;
import io.smallrye.config.ConfigSourceInterceptorContext;
import io.smallrye.config.ConfigValue;
import java.util.Iterator;
import java.util.Spliterators;
import java.util.stream.StreamSupport;

/**
 * Hides the {@code …_FILE} variables of {@link SecretFiles} from the configuration: each names a file, whose content
 * {@link SecretFileConfigSource} supplies as the secret itself. Seen as settings they would be values under their
 * secret's prefix: {@code SCANFORPAY_API_KEYS_TILL7_FILE} an API key {@code till7.file} whose value is the path,
 * {@code KAFKA_SASL_JAAS_CONFIG_FILE} a Kafka client property {@code sasl.jaas.config.file}.
 */
public class SecretFileVariables implements ConfigSourceInterceptor {

    @Override
    public ConfigValue getValue(ConfigSourceInterceptorContext context, String name) {
        return isFileVariable(name) ? null : context.proceed(name);
    }

    @Override
    public Iterator<String> iterateNames(ConfigSourceInterceptorContext context) {
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(context.iterateNames(), 0), false)
                .filter(name -> !isFileVariable(name)).iterator();
    }

    private static boolean isFileVariable(String name) {
        return SecretFiles.isFileVariable(SecretFiles.environmentName(name));
    }
}
