package dev.dualkey.gateway.cli.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dualkey.gateway.admin.AdminClient;
import dev.dualkey.gateway.admin.AdminHandler;
import dev.dualkey.gateway.kms.KmsCommands;
import java.io.PrintWriter;
import java.time.Clock;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code dualkey admin kms ...}: the SSE-KMS key registry (create-key, list-keys, describe-key, create-alias,
 * enable-key, disable-key, schedule-key-deletion, cancel-key-deletion), through the running server's admin channel
 * or offline ({@link ChannelCommand}); one implementation, {@link KmsCommands}. There is deliberately no S3, IAM or
 * KMS API for these: scheduling a key's deletion destroys every object encrypted under it once the waiting period
 * (7 to 30 days) ends, which only the operator may decide.
 */
@Command(name = "kms", mixinStandardHelpOptions = true, description = "SSE-KMS keys: create, list, alias, "
        + "disable, schedule deletion.",
        subcommands = {KmsCommand.CreateKey.class, KmsCommand.ListKeys.class, KmsCommand.DescribeKey.class,
                KmsCommand.CreateAlias.class, KmsCommand.EnableKey.class, KmsCommand.DisableKey.class,
                KmsCommand.ScheduleKeyDeletion.class, KmsCommand.CancelKeyDeletion.class})
public final class KmsCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "choose a kms command");
    }

    /** Shared options and the offline handler of every kms command. */
    abstract static class Base extends ChannelCommand {
        @Option(names = "--account", description = "Account id or alias (default: the first account).")
        String account;

        @Option(names = "--region", defaultValue = "us-east-1", description = "Offline only: the region of new "
                + "keys' ARNs; give the server's --region (default: ${DEFAULT-VALUE}). A running server uses its "
                + "own.")
        String region;

        @Override
        AdminHandler offlineHandler(OfflineDataDir dir) {
            return new KmsCommands(dir.identity().kms(region, Clock.systemUTC()), dir.identity().identity())
                    .handler(name());
        }

        ObjectNode base() {
            ObjectNode a = AdminClient.args();
            a.put("account", account);
            return a;
        }

        @Override
        void printHuman(JsonNode k, PrintWriter out) {
            printKey(k, out);
        }

        static void printKey(JsonNode k, PrintWriter out) {
            out.println("KeyId:        " + text(k, "KeyId"));
            out.println("Arn:          " + text(k, "Arn"));
            out.println("State:        " + text(k, "KeyState") + (k.has("DeletionDate")
                    ? " (material destroyed at " + text(k, "DeletionDate") + ")" : ""));
            out.println("KeyManager:   " + text(k, "KeyManager"));
            out.println("Description:  " + text(k, "Description"));
            StringBuilder aliases = new StringBuilder();
            k.path("Aliases").forEach(a -> aliases.append(aliases.length() > 0 ? ", " : "").append(a.asText()));
            out.println("Aliases:      " + (aliases.length() == 0 ? "-" : aliases));
        }
    }

    /** Commands that name one key. */
    abstract static class OnKey extends Base {
        @Option(names = "--key-id", required = true, description = "Key id, key ARN, alias/NAME or alias ARN.")
        String keyId;

        @Override
        ObjectNode args() {
            ObjectNode a = base();
            a.put("keyId", keyId);
            return a;
        }
    }

    @Command(name = "create-key", mixinStandardHelpOptions = true, description = "Create a KMS key (Enabled).")
    static final class CreateKey extends Base {
        @Option(names = "--description", description = "Free text.")
        String description;

        @Override
        String name() {
            return "kms-create-key";
        }

        @Override
        ObjectNode args() {
            ObjectNode a = base();
            a.put("description", description);
            return a;
        }
    }

    @Command(name = "list-keys", mixinStandardHelpOptions = true, description = "List KMS keys.")
    static final class ListKeys extends Base {
        @Override
        String name() {
            return "kms-list-keys";
        }

        @Override
        ObjectNode args() {
            return base();
        }

        @Override
        void printHuman(JsonNode r, PrintWriter out) {
            Table t = new Table("KEY ID", "ACCOUNT", "STATE", "MANAGER", "ALIASES");
            r.path("keys").forEach(k -> {
                StringBuilder aliases = new StringBuilder();
                k.path("Aliases").forEach(a -> aliases.append(aliases.length() > 0 ? "," : "").append(a.asText()));
                t.add(text(k, "KeyId"), text(k, "AWSAccountId"), text(k, "KeyState"), text(k, "KeyManager"),
                        aliases.length() == 0 ? "-" : aliases.toString());
            });
            t.print(out);
        }
    }

    @Command(name = "describe-key", mixinStandardHelpOptions = true, description = "Show one KMS key.")
    static final class DescribeKey extends OnKey {
        @Override
        String name() {
            return "kms-describe-key";
        }
    }

    @Command(name = "create-alias", mixinStandardHelpOptions = true, description = "Name a key alias/NAME.")
    static final class CreateAlias extends OnKey {
        @Option(names = "--alias-name", required = true, description = "alias/NAME (not under alias/aws/).")
        String alias;

        @Override
        String name() {
            return "kms-create-alias";
        }

        @Override
        ObjectNode args() {
            ObjectNode a = super.args();
            a.put("alias", alias);
            return a;
        }
    }

    @Command(name = "enable-key", mixinStandardHelpOptions = true, description = "Enable a disabled key.")
    static final class EnableKey extends OnKey {
        @Override
        String name() {
            return "kms-enable-key";
        }
    }

    @Command(name = "disable-key", mixinStandardHelpOptions = true,
            description = "Disable a key: its objects are unreadable until it is enabled again.")
    static final class DisableKey extends OnKey {
        @Override
        String name() {
            return "kms-disable-key";
        }
    }

    @Command(name = "schedule-key-deletion", mixinStandardHelpOptions = true,
            description = "Destroy a key after a waiting period: every object encrypted under it becomes "
                    + "unreadable for good. Cancel with cancel-key-deletion before then.")
    static final class ScheduleKeyDeletion extends OnKey {
        @Option(names = "--pending-window-in-days", defaultValue = "30",
                description = "7..30 (default: ${DEFAULT-VALUE}).")
        int days;

        @Override
        String name() {
            return "kms-schedule-key-deletion";
        }

        @Override
        ObjectNode args() {
            ObjectNode a = super.args();
            a.put("days", days);
            return a;
        }
    }

    @Command(name = "cancel-key-deletion", mixinStandardHelpOptions = true,
            description = "Keep a key pending deletion (it stays Disabled).")
    static final class CancelKeyDeletion extends OnKey {
        @Override
        String name() {
            return "kms-cancel-key-deletion";
        }
    }
}
