package dev.dualkey.gateway.iam.action;

import dev.dualkey.gateway.iam.IamAction;
import dev.dualkey.gateway.iam.IamActionHandler;
import dev.dualkey.gateway.iam.IamArns;
import dev.dualkey.gateway.iam.IamContext;
import dev.dualkey.gateway.iam.directory.IamDirectory;
import dev.dualkey.gateway.iam.directory.IamMfaDevice;
import dev.dualkey.gateway.iam.directory.IamVirtualMfaDevice;
import dev.dualkey.gateway.iam.directory.NewVirtualMfaDevice;
import dev.dualkey.gateway.iam.validate.IamTag;
import dev.dualkey.gateway.iam.xml.IamXmlWriter;
import java.util.List;
import java.util.Map;

/**
 * The MFA device actions. Authorization resources follow AWS's self-managed-MFA policy example:
 * Create on the device ARN ({@code arn:aws:iam::<acct>:mfa/<path><name>}); Enable, Resync, Deactivate,
 * ListMFADevices and GetMFADevice on the user the device is (to be) assigned to; DeleteVirtualMFADevice and
 * the tag actions on the device; ListVirtualMFADevices on {@code *}.
 *
 * <p>Root's devices are root's alone: any action on a device assigned to root, or naming root as the user,
 * is refused to IAM users whatever their policies ({@link Targets#guardRootDevice}). While root has an
 * enabled device, root itself needs a recent MFA session to enable another, resync, deactivate or delete
 * one ({@link dev.dualkey.gateway.iam.IamContext#requireRecentMfa}).
 */
final class MfaDeviceActions {
    private final IamDirectory directory;

    MfaDeviceActions(IamDirectory directory) {
        this.directory = directory;
    }

    void register(Map<IamAction, IamActionHandler> handlers) {
        handlers.put(IamAction.CREATE_VIRTUAL_MFA_DEVICE, this::createVirtual);
        handlers.put(IamAction.ENABLE_MFA_DEVICE, this::enable);
        handlers.put(IamAction.RESYNC_MFA_DEVICE, this::resync);
        handlers.put(IamAction.DEACTIVATE_MFA_DEVICE, this::deactivate);
        handlers.put(IamAction.DELETE_VIRTUAL_MFA_DEVICE, this::deleteVirtual);
        handlers.put(IamAction.LIST_MFA_DEVICES, this::list);
        handlers.put(IamAction.LIST_VIRTUAL_MFA_DEVICES, this::listVirtual);
        handlers.put(IamAction.GET_MFA_DEVICE, this::get);
        handlers.put(IamAction.TAG_MFA_DEVICE, this::tag);
        handlers.put(IamAction.UNTAG_MFA_DEVICE, this::untag);
        handlers.put(IamAction.LIST_MFA_DEVICE_TAGS, this::listTags);
    }

    /** CreateVirtualMFADevice, authorized on the new device's ARN. */
    NewVirtualMfaDevice createDevice(IamContext ctx) {
        String name = ctx.params().required("VirtualMFADeviceName");
        String path = ctx.params().string("Path") == null ? "/" : ctx.params().string("Path");
        ctx.authorize(IamArns.virtualMfa(ctx.accountId(), path, name));
        return directory.createVirtualMfaDevice(ctx.actor(), path, name, ctx.params().tags("Tags"));
    }

    private IamXmlWriter.Body createVirtual(IamContext ctx) {
        List<IamTag> tags = ctx.params().tags("Tags");
        NewVirtualMfaDevice device = createDevice(ctx);
        return x -> {
            x.start("VirtualMFADevice")
                    .text("SerialNumber", device.serialNumber())
                    .blob("Base32StringSeed", device.base32StringSeed())
                    .blob("QRCodePNG", device.qrCodePng());
            if (!tags.isEmpty()) {
                Shapes.tags(x, "Tags", tags);
            }
            x.end();
        };
    }

    private IamXmlWriter.Body enable(IamContext ctx) {
        Targets.UserTarget user = Targets.authorizeOnUser(ctx, directory, ctx.params().required("UserName"));
        if (user.root()) {
            // Another root device is a second key to MFA Delete: it takes a code from one already enabled.
            Targets.requireRecentMfaWhileRootHasDevice(ctx, directory);
        }
        String serial = ctx.params().required("SerialNumber");
        Targets.guardRootDevice(ctx, directory, serial, true);
        directory.enableMfaDevice(ctx.actor(), user.name(), serial,
                ctx.params().required("AuthenticationCode1"), ctx.params().required("AuthenticationCode2"));
        return null;
    }

    private IamXmlWriter.Body resync(IamContext ctx) {
        Targets.UserTarget user = Targets.authorizeOnUser(ctx, directory, ctx.params().required("UserName"));
        String serial = ctx.params().required("SerialNumber");
        if (user.root()) {
            Targets.requireRecentMfaWhileRootHasDevice(ctx, directory);
        }
        Targets.guardRootDevice(ctx, directory, serial, true);
        directory.resyncMfaDevice(ctx.actor(), user.name(), serial,
                ctx.params().required("AuthenticationCode1"), ctx.params().required("AuthenticationCode2"));
        return null;
    }

    private IamXmlWriter.Body deactivate(IamContext ctx) {
        Targets.UserTarget user = Targets.authorizeOnUser(ctx, directory, Targets.userOrCaller(ctx));
        String serial = ctx.params().required("SerialNumber");
        if (user.root()) {
            Targets.requireRecentMfaWhileRootHasDevice(ctx, directory);
        }
        // The serial decides too: root's device named with another user's name is still root's.
        Targets.guardRootDevice(ctx, directory, serial, true);
        directory.deactivateMfaDevice(ctx.actor(), user.name(), serial);
        return null;
    }

    private IamXmlWriter.Body deleteVirtual(IamContext ctx) {
        String serial = ctx.params().required("SerialNumber");
        ctx.authorize(IamArns.mfa(ctx.accountId(), serial));
        Targets.guardRootDevice(ctx, directory, serial, true);
        directory.deleteVirtualMfaDevice(ctx.actor(), serial);
        return null;
    }

    private IamXmlWriter.Body list(IamContext ctx) {
        Page<IamMfaDevice> page = Page.of(listDevices(ctx), IamMfaDevice::serialNumber,
                ctx.params().string("Marker"), ctx.params().integer("MaxItems", Page.DEFAULT_MAX_ITEMS));
        return x -> Shapes.page(x, "MFADevices", page, (w, d) -> w
                .text("UserName", d.userName())
                .text("SerialNumber", d.serialNumber())
                .timestamp("EnableDate", d.enableDate()));
    }

    /** ListMFADevices: authorized on the (canonical) user, then that user's devices. */
    List<IamMfaDevice> listDevices(IamContext ctx) {
        String user = Targets.authorizeOnUser(ctx, directory, Targets.userOrCaller(ctx)).name();
        return directory.listMfaDevices(ctx.actor(), user);
    }

    private IamXmlWriter.Body listVirtual(IamContext ctx) {
        ctx.authorize("*");
        String status = ctx.params().string("AssignmentStatus");
        Page<IamVirtualMfaDevice> page = Page.of(
                directory.listVirtualMfaDevices(ctx.actor(), status == null ? "Any" : status),
                IamVirtualMfaDevice::serialNumber, ctx.params().string("Marker"),
                ctx.params().integer("MaxItems", Page.DEFAULT_MAX_ITEMS));
        // Seeds and QR codes are never listed: CreateVirtualMFADevice is the only time they leave the server.
        return x -> Shapes.page(x, "VirtualMFADevices", page, (w, d) -> {
            w.text("SerialNumber", d.serialNumber());
            if (d.user() != null) {
                Shapes.user(w, "User", d.user());
            }
            w.timestamp("EnableDate", d.enableDate());
        });
    }

    private IamXmlWriter.Body get(IamContext ctx) {
        String serial = ctx.params().required("SerialNumber");
        Targets.UserTarget user = Targets.authorizeOnUser(ctx, directory, Targets.userOrCaller(ctx));
        Targets.guardRootDevice(ctx, directory, serial, false);
        IamMfaDevice device = directory.getMfaDevice(ctx.actor(), serial,
                ctx.params().string("UserName") == null ? null : user.name());
        return x -> x.text("UserName", device.userName())
                .text("SerialNumber", device.serialNumber())
                .timestamp("EnableDate", device.enableDate());
    }

    private IamXmlWriter.Body tag(IamContext ctx) {
        String serial = ctx.params().required("SerialNumber");
        ctx.authorize(IamArns.mfa(ctx.accountId(), serial));
        Targets.guardRootDevice(ctx, directory, serial, false);
        directory.tagMfaDevice(ctx.actor(), serial, ctx.params().tags("Tags"));
        return null;
    }

    private IamXmlWriter.Body untag(IamContext ctx) {
        String serial = ctx.params().required("SerialNumber");
        ctx.authorize(IamArns.mfa(ctx.accountId(), serial));
        Targets.guardRootDevice(ctx, directory, serial, false);
        directory.untagMfaDevice(ctx.actor(), serial, ctx.params().list("TagKeys"));
        return null;
    }

    private IamXmlWriter.Body listTags(IamContext ctx) {
        String serial = ctx.params().required("SerialNumber");
        ctx.authorize(IamArns.mfa(ctx.accountId(), serial));
        Targets.guardRootDevice(ctx, directory, serial, false);
        Page<IamTag> page = Page.of(directory.listMfaDeviceTags(ctx.actor(), serial), IamTag::key,
                ctx.params().string("Marker"), ctx.params().integer("MaxItems", Page.DEFAULT_MAX_ITEMS));
        return x -> Shapes.page(x, "Tags", page, (w, t) -> w.text("Key", t.key()).text("Value", t.value()));
    }
}
