package dev.caravan.secrets;

import dev.caravan.settings.SettingsSection;

import java.util.Set;

/**
 * {@code caravan.aws.*}: where {@code {{ssm:/path}}} looks parameters up. Every key is optional; without them the
 * SDK's own defaults apply ({@code AWS_REGION}, {@code AWS_ENDPOINT_URL}, the profile).
 *
 * <pre>
 * caravan.aws.region          region of the SSM parameters
 * caravan.aws.endpoint        endpoint override for SSM (an emulator, a VPC endpoint)
 * caravan.aws.ssm-cache-ttl   how long a value is reused before it is read again, default 5m
 * </pre>
 */
public final class AwsSettings implements SettingsSection {

    public static final String PREFIX = "caravan.aws.";
    public static final String REGION = PREFIX + "region";
    public static final String ENDPOINT = PREFIX + "endpoint";
    public static final String SSM_CACHE_TTL = PREFIX + "ssm-cache-ttl";

    @Override
    public String prefix() {
        return PREFIX;
    }

    @Override
    public Set<String> keys() {
        return Set.of(REGION, ENDPOINT, SSM_CACHE_TTL);
    }
}
