package dev.dualkey.gateway.kms;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dualkey.gateway.admin.AdminFailure;
import dev.dualkey.gateway.admin.AdminHandler;
import dev.dualkey.gateway.admin.AdminRegistry;
import dev.dualkey.mfa.identity.Account;
import dev.dualkey.mfa.identity.IdentityService;
import java.util.List;
import java.util.Objects;

/**
 * The KMS key commands of the admin channel (and of the CLI offline): the only way keys are created, disabled or
 * deleted. One implementation for both ways of running them, as {@code IdentityCommands}.
 *
 * <ul>
 *   <li>{@code kms-create-key {account?, description?}} -> KeyMetadata</li>
 *   <li>{@code kms-list-keys {account?}} -> {@code {keys: [KeyMetadata]}}</li>
 *   <li>{@code kms-describe-key {account?, keyId}} -> KeyMetadata</li>
 *   <li>{@code kms-create-alias {account?, alias, keyId}} -> KeyMetadata of the target</li>
 *   <li>{@code kms-enable-key}, {@code kms-disable-key}, {@code kms-cancel-key-deletion} {@code {account?, keyId}}
 *       -> KeyMetadata</li>
 *   <li>{@code kms-schedule-key-deletion {account?, keyId, days (7..30)}} -> KeyMetadata with DeletionDate</li>
 * </ul>
 * KeyMetadata is AWS KMS's shape: {@code KeyId, Arn, AWSAccountId, Description, KeyState, KeyManager,
 * CreationDate, DeletionDate, Aliases}. {@code account} is an account id or alias; the first account when absent.
 * Refusals are {@link AdminFailure}s {@code Code: message} (the CLI exits 1).
 */
public final class KmsCommands {
    /** Names of the commands, for the CLI and the registry. */
    public static final List<String> NAMES = List.of("kms-create-key", "kms-list-keys", "kms-describe-key",
            "kms-create-alias", "kms-enable-key", "kms-disable-key", "kms-schedule-key-deletion",
            "kms-cancel-key-deletion");
    private static final ObjectMapper JSON = new ObjectMapper();
    private final KmsRegistry registry;
    private final IdentityService identity;

    public KmsCommands(KmsRegistry registry, IdentityService identity) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.identity = Objects.requireNonNull(identity, "identity");
    }

    /** Registers every command on {@code registry}. */
    public AdminRegistry registerOn(AdminRegistry adminRegistry) {
        NAMES.forEach(n -> adminRegistry.register(n, handler(n)));
        return adminRegistry;
    }

    /** The handler of command {@code name} (one of {@link #NAMES}). */
    public AdminHandler handler(String name) {
        AdminHandler h = switch (name) {
            case "kms-create-key" -> (a, e) -> metadata(registry.createKey(account(a), text(a, "description")));
            case "kms-list-keys" -> (a, e) -> list(a);
            case "kms-describe-key" -> (a, e) -> metadata(registry.describe(account(a), keyId(a)));
            case "kms-create-alias" -> (a, e) -> {
                String account = account(a);
                registry.createAlias(account, required(a, "alias"), keyId(a));
                return metadata(registry.describe(account, keyId(a)));
            };
            case "kms-enable-key" -> (a, e) -> metadata(registry.enable(account(a), keyId(a)));
            case "kms-disable-key" -> (a, e) -> metadata(registry.disable(account(a), keyId(a)));
            case "kms-schedule-key-deletion" -> (a, e) -> metadata(registry.scheduleDeletion(account(a), keyId(a),
                    a.path("days").asInt(30)));
            case "kms-cancel-key-deletion" -> (a, e) -> metadata(registry.cancelDeletion(account(a), keyId(a)));
            default -> throw new IllegalArgumentException("no kms command " + name);
        };
        return (args, events) -> {
            try {
                return h.handle(args, events);
            } catch (KmsException e) {
                throw new AdminFailure(e.code() + ": " + e.getMessage());
            }
        };
    }

    private JsonNode list(JsonNode a) {
        String account = a.hasNonNull("account") ? account(a) : null;
        ObjectNode r = JSON.createObjectNode();
        ArrayNode keys = r.putArray("keys");
        registry.listKeys(account).forEach(k -> keys.add(metadata(k)));
        return r;
    }

    private ObjectNode metadata(KmsKey k) {
        ObjectNode n = JSON.createObjectNode();
        n.put("KeyId", k.keyId());
        n.put("Arn", k.arn());
        n.put("AWSAccountId", k.accountId());
        n.put("Description", k.description());
        n.put("KeyState", k.state().wire());
        n.put("KeyManager", k.awsManaged() ? "AWS" : "CUSTOMER");
        n.put("CreationDate", k.created().toString());
        if (k.deletionDate() != null) {
            n.put("DeletionDate", k.deletionDate().toString());
        }
        ArrayNode aliases = n.putArray("Aliases");
        registry.aliasesOf(k).forEach(aliases::add);
        return n;
    }

    private String account(JsonNode a) {
        String given = text(a, "account");
        if (given == null) {
            return identity.bootstrapAccount().map(Account::accountId)
                    .orElseThrow(() -> new AdminFailure("no account exists yet"));
        }
        return identity.accountByIdOrAlias(given).map(Account::accountId)
                .orElseThrow(() -> new AdminFailure("NoSuchEntity: no account " + given));
    }

    private static String keyId(JsonNode a) {
        return required(a, "keyId");
    }

    private static String required(JsonNode a, String field) {
        String v = text(a, field);
        if (v == null || v.isBlank()) {
            throw new AdminFailure("ValidationException: " + field + " is required");
        }
        return v;
    }

    private static String text(JsonNode a, String field) {
        JsonNode n = a.path(field);
        return n.isTextual() ? n.asText() : null;
    }
}
