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

    private IamXmlWriter.Body createVirtual(IamContext ctx) {
        String name = ctx.params().required("VirtualMFADeviceName");
        String path = ctx.params().string("Path") == null ? "/" : ctx.params().string("Path");
        ctx.authorize(IamArns.virtualMfa(ctx.accountId(), path, name));
        List<IamTag> tags = ctx.params().tags("Tags");
        NewVirtualMfaDevice device = directory.createVirtualMfaDevice(ctx.actor(), path, name, tags);
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
        String user = Targets.authorizeOnUser(ctx, directory, ctx.params().required("UserName"));
        directory.enableMfaDevice(ctx.actor(), user, ctx.params().required("SerialNumber"),
                ctx.params().required("AuthenticationCode1"), ctx.params().required("AuthenticationCode2"));
        return null;
    }

    private IamXmlWriter.Body resync(IamContext ctx) {
        String user = Targets.authorizeOnUser(ctx, directory, ctx.params().required("UserName"));
        directory.resyncMfaDevice(ctx.actor(), user, ctx.params().required("SerialNumber"),
                ctx.params().required("AuthenticationCode1"), ctx.params().required("AuthenticationCode2"));
        return null;
    }

    private IamXmlWriter.Body deactivate(IamContext ctx) {
        String user = Targets.authorizeOnUser(ctx, directory, Targets.userOrCaller(ctx));
        directory.deactivateMfaDevice(ctx.actor(), user, ctx.params().required("SerialNumber"));
        return null;
    }

    private IamXmlWriter.Body deleteVirtual(IamContext ctx) {
        String serial = ctx.params().required("SerialNumber");
        ctx.authorize(IamArns.mfa(ctx.accountId(), serial));
        directory.deleteVirtualMfaDevice(ctx.actor(), serial);
        return null;
    }

    private IamXmlWriter.Body list(IamContext ctx) {
        String user = Targets.authorizeOnUser(ctx, directory, Targets.userOrCaller(ctx));
        Page<IamMfaDevice> page = Page.of(directory.listMfaDevices(ctx.actor(), user), IamMfaDevice::serialNumber,
                ctx.params().string("Marker"), ctx.params().integer("MaxItems", Page.DEFAULT_MAX_ITEMS));
        return x -> Shapes.page(x, "MFADevices", page, (w, d) -> w
                .text("UserName", d.userName())
                .text("SerialNumber", d.serialNumber())
                .timestamp("EnableDate", d.enableDate()));
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
        String userName = ctx.params().string("UserName");
        ctx.authorize(Targets.userArn(ctx, directory, userName != null ? userName : ctx.caller().userName()));
        IamMfaDevice device = directory.getMfaDevice(ctx.actor(), serial, userName);
        return x -> x.text("UserName", device.userName())
                .text("SerialNumber", device.serialNumber())
                .timestamp("EnableDate", device.enableDate());
    }

    private IamXmlWriter.Body tag(IamContext ctx) {
        String serial = ctx.params().required("SerialNumber");
        ctx.authorize(IamArns.mfa(ctx.accountId(), serial));
        directory.tagMfaDevice(ctx.actor(), serial, ctx.params().tags("Tags"));
        return null;
    }

    private IamXmlWriter.Body untag(IamContext ctx) {
        String serial = ctx.params().required("SerialNumber");
        ctx.authorize(IamArns.mfa(ctx.accountId(), serial));
        directory.untagMfaDevice(ctx.actor(), serial, ctx.params().list("TagKeys"));
        return null;
    }

    private IamXmlWriter.Body listTags(IamContext ctx) {
        String serial = ctx.params().required("SerialNumber");
        ctx.authorize(IamArns.mfa(ctx.accountId(), serial));
        Page<IamTag> page = Page.of(directory.listMfaDeviceTags(ctx.actor(), serial), IamTag::key,
                ctx.params().string("Marker"), ctx.params().integer("MaxItems", Page.DEFAULT_MAX_ITEMS));
        return x -> Shapes.page(x, "Tags", page, (w, t) -> w.text("Key", t.key()).text("Value", t.value()));
    }
}
